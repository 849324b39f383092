using System.Data.Common;
using SetHub.Core.Json;
using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Core.Storage;
using SetHub.Core.Tenants;

namespace SetHub.Storage.Relational;

/// <summary><see cref="ITenantStore"/> on the <c>tenants</c> and <c>credentials</c> tables.</summary>
public sealed class RelationalTenantStore(RelationalDatabase database) : ITenantStore
{
    private const string TenantColumns =
        "tenant_id, display_name, default_subjects, events_supported, created_at, updated_at, inactivity_timeout, min_verification_interval";

    /// <inheritdoc />
    public Task<bool> CreateTenantAsync(Tenant tenant, string tokenHash, IReadOnlyList<SigningKeyRecord> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(keys);
        return database.WriteAsync(async (connection, transaction) =>
        {
            var inserted = await connection.CreateCommand(transaction, $"""
                    INSERT INTO tenants ({TenantColumns})
                    VALUES (@tenant_id, @display_name, @default_subjects, @events_supported, @created_at, @updated_at,
                            @inactivity_timeout, @min_verification_interval)
                    ON CONFLICT (tenant_id) DO NOTHING
                    """)
                .With("@tenant_id", tenant.TenantId)
                .With("@display_name", tenant.DisplayName)
                .With("@default_subjects", tenant.DefaultSubjects)
                .With("@events_supported", JsonArrays.Write(tenant.EventsSupported))
                .With("@created_at", tenant.CreatedAt.ToDb())
                .With("@updated_at", tenant.UpdatedAt.ToDb())
                .With("@inactivity_timeout", Seconds(tenant.InactivityTimeout))
                .With("@min_verification_interval", Seconds(tenant.MinVerificationInterval))
                .ExecuteAsync(cancellationToken);
            if (inserted == 0)
            {
                return false;
            }

            await InsertCredentialAsync(connection, transaction, tenant.TenantId, tokenHash, TokenKind.Tenant, null, tenant.CreatedAt, cancellationToken);
            foreach (var key in keys)
            {
                await RelationalSigningKeyStore.InsertAsync(connection, transaction, key, cancellationToken);
            }

            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Tenant?> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"SELECT {TenantColumns} FROM tenants WHERE tenant_id = @tenant_id")
            .With("@tenant_id", tenantId)
            .QuerySingleOrDefaultAsync(ReadTenant, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"SELECT {TenantColumns} FROM tenants ORDER BY tenant_id")
            .QueryAsync(ReadTenant, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> UpdateTenantAsync(Tenant tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return database.WriteAsync<IReadOnlyList<string>>(async (connection, transaction) =>
        {
            // Read locked: concurrent updates of one tenant take turns, so the streams end up computed from the list
            // that is stored last.
            var stored = await connection.CreateCommand(transaction, $"SELECT {TenantColumns} FROM tenants WHERE tenant_id = @tenant_id{database.ForUpdate}")
                .With("@tenant_id", tenant.TenantId)
                .QuerySingleOrDefaultAsync(ReadTenant, cancellationToken);
            if (stored is null)
            {
                return [];
            }

            await connection.CreateCommand(transaction, """
                    UPDATE tenants
                    SET display_name = @display_name, default_subjects = @default_subjects,
                        events_supported = @events_supported, updated_at = @updated_at,
                        inactivity_timeout = @inactivity_timeout, min_verification_interval = @min_verification_interval
                    WHERE tenant_id = @tenant_id
                    """)
                .With("@tenant_id", tenant.TenantId)
                .With("@display_name", tenant.DisplayName)
                .With("@default_subjects", tenant.DefaultSubjects)
                .With("@events_supported", JsonArrays.Write(tenant.EventsSupported))
                .With("@updated_at", tenant.UpdatedAt.ToDb())
                .With("@inactivity_timeout", Seconds(tenant.InactivityTimeout))
                .With("@min_verification_interval", Seconds(tenant.MinVerificationInterval))
                .ExecuteAsync(cancellationToken);

            return stored.EffectiveEventsSupported.SequenceEqual(tenant.EffectiveEventsSupported, StringComparer.Ordinal)
                ? []
                : await RelationalStreamStore.RecomputeEventsDeliveredAsync(
                    database, connection, transaction, tenant.TenantId, tenant.EffectiveEventsSupported, tenant.UpdatedAt, cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Credential?> FindCredentialAsync(string tenantId, string tokenHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, "SELECT kind, receiver_id FROM credentials WHERE tenant_id = @tenant_id AND token_hash = @token_hash")
            .With("@tenant_id", tenantId)
            .With("@token_hash", tokenHash)
            .QuerySingleOrDefaultAsync(
                reader => new Credential(tenantId, ParseKind(reader.GetString(0)), reader.GetNullableString(1)),
                cancellationToken);
    }

    internal static Task<int> InsertCredentialAsync(
        DbConnection connection,
        DbTransaction transaction,
        string tenantId,
        string tokenHash,
        TokenKind kind,
        string? receiverId,
        DateTimeOffset createdAt,
        CancellationToken cancellationToken) =>
        connection.CreateCommand(transaction, """
                INSERT INTO credentials (tenant_id, token_hash, kind, receiver_id, created_at)
                VALUES (@tenant_id, @token_hash, @kind, @receiver_id, @created_at)
                """)
            .With("@tenant_id", tenantId)
            .With("@token_hash", tokenHash)
            .With("@kind", kind == TokenKind.Tenant ? "tenant" : "receiver")
            .With("@receiver_id", receiverId)
            .With("@created_at", createdAt.ToDb())
            .ExecuteAsync(cancellationToken);

    private static TokenKind ParseKind(string kind) => kind switch
    {
        "tenant" => TokenKind.Tenant,
        "receiver" => TokenKind.Receiver,
        _ => throw new InvalidDataException($"Unknown credential kind '{kind}'."),
    };

    private static Tenant ReadTenant(DbDataReader reader) => new(
        TenantId: reader.GetString(0),
        DisplayName: reader.GetNullableString(1),
        DefaultSubjects: reader.GetString(2),
        EventsSupported: JsonArrays.Read(reader.GetNullableString(3)),
        InactivityTimeout: reader.IsDBNull(6) ? null : TimeSpan.FromSeconds(reader.GetInt64(6)),
        MinVerificationInterval: reader.IsDBNull(7) ? null : TimeSpan.FromSeconds(reader.GetInt64(7)),
        CreatedAt: reader.GetTime(4),
        UpdatedAt: reader.GetTime(5));

    private static long? Seconds(TimeSpan? value) => value is { } span ? (long)span.TotalSeconds : null;
}
