using SetHub.Core.Json;
using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary><see cref="ITenantDirectoryStore"/> on <c>tenant_registry</c>, <c>tenant_receivers</c> and <c>tenant_streams</c>.</summary>
public sealed class RelationalTenantDirectoryStore(RelationalDatabase database) : ITenantDirectoryStore
{
    /// <inheritdoc />
    public Task AddTenantAsync(string tenantId, DateTimeOffset createdAt, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, """
                    INSERT INTO tenant_registry (tenant_id, created_at) VALUES (@tenant_id, @created_at)
                    ON CONFLICT (tenant_id) DO NOTHING
                    """)
                .With("@tenant_id", tenantId)
                .With("@created_at", createdAt.ToDb())
                .ExecuteAsync(cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task RemoveTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, "DELETE FROM tenant_registry WHERE tenant_id = @tenant_id")
                .With("@tenant_id", tenantId)
                .ExecuteAsync(cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListTenantsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, "SELECT tenant_id FROM tenant_registry ORDER BY tenant_id")
            .QueryAsync(reader => reader.GetString(0), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<TenantRows> LoadAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var receivers = await connection.CreateCommand(null, """
                SELECT receiver_id, name, audience, signing_alg, token_hash, created_at, revoked FROM tenant_receivers
                WHERE tenant_id = @tenant_id ORDER BY created_at, receiver_id
                """)
            .With("@tenant_id", tenantId)
            .QueryAsync(
                reader => new ReceiverRow(tenantId, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.GetTime(5), reader.GetBoolean(6)),
                cancellationToken);
        var streams = await connection.CreateCommand(null, """
                SELECT stream_id, receiver_id, audience, signing_alg, includes_all, disabled, events_delivered, created_at FROM tenant_streams
                WHERE tenant_id = @tenant_id ORDER BY created_at, stream_id
                """)
            .With("@tenant_id", tenantId)
            .QueryAsync(
                reader => new StreamRow(tenantId, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetBoolean(4), reader.GetBoolean(5), JsonArrays.Read(reader.GetString(6))!, reader.GetTime(7)),
                cancellationToken);
        return new TenantRows(receivers, streams);
    }

    /// <inheritdoc />
    public Task PutReceiverAsync(ReceiverRow receiver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        return database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, """
                    INSERT INTO tenant_receivers (tenant_id, receiver_id, name, audience, signing_alg, token_hash, created_at, revoked)
                    VALUES (@tenant_id, @receiver_id, @name, @audience, @signing_alg, @token_hash, @created_at, @revoked)
                    ON CONFLICT (tenant_id, receiver_id) DO UPDATE SET
                        name = excluded.name, audience = excluded.audience, signing_alg = excluded.signing_alg,
                        token_hash = excluded.token_hash, revoked = excluded.revoked
                    """)
                .With("@tenant_id", receiver.TenantId)
                .With("@receiver_id", receiver.ReceiverId)
                .With("@name", receiver.Name)
                .With("@audience", receiver.Audience)
                .With("@signing_alg", receiver.SigningAlgorithm)
                .With("@token_hash", receiver.TokenHash)
                .With("@created_at", receiver.CreatedAt.ToDb())
                .With("@revoked", receiver.Revoked)
                .ExecuteAsync(cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteReceiverAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, "DELETE FROM tenant_receivers WHERE tenant_id = @tenant_id AND receiver_id = @receiver_id")
                .With("@tenant_id", tenantId)
                .With("@receiver_id", receiverId)
                .ExecuteAsync(cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task PutStreamAsync(StreamRow stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, """
                    INSERT INTO tenant_streams (tenant_id, stream_id, receiver_id, audience, signing_alg, includes_all, disabled, events_delivered, created_at)
                    VALUES (@tenant_id, @stream_id, @receiver_id, @audience, @signing_alg, @includes_all, @disabled, @events_delivered, @created_at)
                    ON CONFLICT (tenant_id, stream_id) DO UPDATE SET
                        audience = excluded.audience, signing_alg = excluded.signing_alg, includes_all = excluded.includes_all,
                        disabled = excluded.disabled, events_delivered = excluded.events_delivered
                    """)
                .With("@tenant_id", stream.TenantId)
                .With("@stream_id", stream.StreamId)
                .With("@receiver_id", stream.ReceiverId)
                .With("@audience", stream.Audience)
                .With("@signing_alg", stream.SigningAlgorithm)
                .With("@includes_all", stream.IncludesAllSubjects)
                .With("@disabled", stream.Disabled)
                .With("@events_delivered", JsonArrays.Write(stream.EventsDelivered))
                .With("@created_at", stream.CreatedAt.ToDb())
                .ExecuteAsync(cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteStreamAsync(string tenantId, string streamId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, "DELETE FROM tenant_streams WHERE tenant_id = @tenant_id AND stream_id = @stream_id")
                .With("@tenant_id", tenantId)
                .With("@stream_id", streamId)
                .ExecuteAsync(cancellationToken),
            cancellationToken);
}
