using System.Data.Common;
using SetHub.Core.Security;
using SetHub.Core.Storage;
using SetHub.Core.Tenants;

namespace SetHub.Storage.Relational;

/// <summary><see cref="IReceiverStore"/> on the <c>receivers</c> table.</summary>
public sealed class RelationalReceiverStore(RelationalDatabase database) : IReceiverStore
{
    private const string Columns = "tenant_id, receiver_id, name, audience, signing_alg, created_at";

    /// <inheritdoc />
    public Task CreateReceiverAsync(Receiver receiver, string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        return database.WriteAsync(async (connection, transaction) =>
        {
            await connection.CreateCommand(transaction, $"""
                    INSERT INTO receivers ({Columns})
                    VALUES (@tenant_id, @receiver_id, @name, @audience, @signing_alg, @created_at)
                    """)
                .With("@tenant_id", receiver.TenantId)
                .With("@receiver_id", receiver.ReceiverId)
                .With("@name", receiver.Name)
                .With("@audience", receiver.Audience)
                .With("@signing_alg", receiver.SigningAlgorithm)
                .With("@created_at", receiver.CreatedAt.ToDb())
                .ExecuteAsync(cancellationToken);
            await RelationalTenantStore.InsertCredentialAsync(
                connection, transaction, receiver.TenantId, tokenHash, TokenKind.Receiver, receiver.ReceiverId, receiver.CreatedAt, cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Receiver?> GetReceiverAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"SELECT {Columns} FROM receivers WHERE tenant_id = @tenant_id AND receiver_id = @receiver_id")
            .With("@tenant_id", tenantId)
            .With("@receiver_id", receiverId)
            .QuerySingleOrDefaultAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Receiver>> ListReceiversAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"SELECT {Columns} FROM receivers WHERE tenant_id = @tenant_id ORDER BY created_at, receiver_id")
            .With("@tenant_id", tenantId)
            .QueryAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteReceiverAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var streamIds = await connection.CreateCommand(transaction, "SELECT stream_id FROM streams WHERE tenant_id = @tenant_id AND receiver_id = @receiver_id ORDER BY stream_id")
                .With("@tenant_id", tenantId)
                .With("@receiver_id", receiverId)
                .QueryAsync(reader => reader.GetString(0), cancellationToken);
            // In key order, the order a publish share-locks streams in: the two cannot deadlock.
            foreach (var streamId in streamIds)
            {
                await RelationalStreamStore.DeleteStreamRowsAsync(connection, transaction, tenantId, streamId, cancellationToken);
            }

            await connection.CreateCommand(transaction, "DELETE FROM credentials WHERE tenant_id = @tenant_id AND receiver_id = @receiver_id")
                .With("@tenant_id", tenantId)
                .With("@receiver_id", receiverId)
                .ExecuteAsync(cancellationToken);
            return await connection.CreateCommand(transaction, "DELETE FROM receivers WHERE tenant_id = @tenant_id AND receiver_id = @receiver_id")
                .With("@tenant_id", tenantId)
                .With("@receiver_id", receiverId)
                .ExecuteAsync(cancellationToken) > 0;
        }, cancellationToken);

    private static Receiver Read(DbDataReader reader) => new(
        TenantId: reader.GetString(0),
        ReceiverId: reader.GetString(1),
        Name: reader.GetString(2),
        Audience: reader.GetString(3),
        SigningAlgorithm: reader.GetString(4),
        CreatedAt: reader.GetTime(5));
}
