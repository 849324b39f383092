using System.Data.Common;
using SetHub.Core.Signing;
using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary><see cref="ISigningKeyStore"/> on the <c>signing_keys</c> table.</summary>
public sealed class RelationalSigningKeyStore(RelationalDatabase database) : ISigningKeyStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<SigningKeyRecord>> ListSigningKeysAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, """
                SELECT tenant_id, kid, alg, public_jwk, private_key, created_at, retired_at
                FROM signing_keys WHERE tenant_id = @tenant_id
                ORDER BY created_at DESC, kid
                """)
            .With("@tenant_id", tenantId)
            .QueryAsync(
                reader => new SigningKeyRecord(
                    TenantId: reader.GetString(0),
                    KeyId: reader.GetString(1),
                    Algorithm: reader.GetString(2),
                    PublicJwk: reader.GetString(3),
                    ProtectedPrivateKey: (byte[])reader.GetValue(4),
                    CreatedAt: reader.GetTime(5),
                    RetiredAt: reader.GetNullableTime(6)),
                cancellationToken);
    }

    /// <inheritdoc />
    public Task AddSigningKeysAsync(
        string tenantId,
        IReadOnlyList<SigningKeyRecord> keys,
        DateTimeOffset? retireActiveAt,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return database.WriteAsync(async (connection, transaction) =>
        {
            if (retireActiveAt is { } retiredAt)
            {
                // Rotations of one tenant take turns: the second sees (and retires) the first one's new keys, instead
                // of inserting beside them against the one-active-key-per-algorithm index.
                await connection.CreateCommand(transaction, $"SELECT 1 FROM tenants WHERE tenant_id = @tenant_id{database.ForUpdate}")
                    .With("@tenant_id", tenantId)
                    .ScalarAsync(cancellationToken);
                var command = connection.CreateCommand(transaction, $"""
                        UPDATE signing_keys SET retired_at = @retired_at
                        WHERE tenant_id = @tenant_id AND retired_at IS NULL AND alg {database.InList("@algorithms")}
                        """)
                    .With("@tenant_id", tenantId)
                    .With("@retired_at", retiredAt.ToDb());
                database.AddList(command, "@algorithms", keys.Select(k => k.Algorithm).Distinct().ToArray());
                await command.ExecuteAsync(cancellationToken);
            }

            // Without a rotation, a key whose algorithm already has an active one is not added (signing_keys_active):
            // of two nodes creating a tenant's first RS256 key at once, the first wins and both then sign with it.
            foreach (var key in keys)
            {
                await InsertAsync(connection, transaction, key, cancellationToken, skipIfActiveExists: retireActiveAt is null);
            }
        }, cancellationToken);
    }

    internal static Task<int> InsertAsync(DbConnection connection, DbTransaction transaction, SigningKeyRecord key, CancellationToken cancellationToken, bool skipIfActiveExists = false) =>
        connection.CreateCommand(transaction, $"""
                INSERT INTO signing_keys (tenant_id, kid, alg, public_jwk, private_key, created_at, retired_at)
                VALUES (@tenant_id, @kid, @alg, @public_jwk, @private_key, @created_at, @retired_at)
                {(skipIfActiveExists ? "ON CONFLICT (tenant_id, alg) WHERE retired_at IS NULL DO NOTHING" : string.Empty)}
                """)
            .With("@tenant_id", key.TenantId)
            .With("@kid", key.KeyId)
            .With("@alg", key.Algorithm)
            .With("@public_jwk", key.PublicJwk)
            .With("@private_key", key.ProtectedPrivateKey)
            .With("@created_at", key.CreatedAt.ToDb())
            .With("@retired_at", key.RetiredAt.ToDb())
            .ExecuteAsync(cancellationToken);
}
