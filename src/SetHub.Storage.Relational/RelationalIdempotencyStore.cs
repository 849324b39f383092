using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary><see cref="IIdempotencyStore"/> on the <c>idempotency_keys</c> table.</summary>
public sealed class RelationalIdempotencyStore(RelationalDatabase database) : IIdempotencyStore
{
    /// <inheritdoc />
    public Task<IdempotencyRecord> GetOrAddAsync(string tenantId, string key, IdempotencyRecord candidate, DateTimeOffset expiredBefore, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return database.WriteAsync(async (connection, transaction) =>
        {
            // An expired record not purged yet counts as absent. Of concurrent inserts one wins (the key is the primary
            // key), and every caller reads the winner.
            await connection.CreateCommand(transaction, """
                    DELETE FROM idempotency_keys
                    WHERE tenant_id = @tenant_id AND idempotency_key = @idempotency_key AND created_at < @expired_before
                    """)
                .With("@tenant_id", tenantId)
                .With("@idempotency_key", key)
                .With("@expired_before", expiredBefore.ToDb())
                .ExecuteAsync(cancellationToken);
            await connection.CreateCommand(transaction, """
                    INSERT INTO idempotency_keys (tenant_id, idempotency_key, request_hash, txn, streams, created_at)
                    VALUES (@tenant_id, @idempotency_key, @request_hash, @txn, @streams, @created_at)
                    ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
                    """)
                .With("@tenant_id", tenantId)
                .With("@idempotency_key", key)
                .With("@request_hash", candidate.RequestHash)
                .With("@txn", candidate.Transaction)
                .With("@streams", candidate.Streams)
                .With("@created_at", candidate.CreatedAt.ToDb())
                .ExecuteAsync(cancellationToken);
            return (await connection.CreateCommand(transaction, """
                    SELECT request_hash, txn, streams, created_at FROM idempotency_keys
                    WHERE tenant_id = @tenant_id AND idempotency_key = @idempotency_key
                    """)
                .With("@tenant_id", tenantId)
                .With("@idempotency_key", key)
                .QuerySingleOrDefaultAsync(
                    reader => new IdempotencyRecord(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.GetTime(3)),
                    cancellationToken))!;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task CompleteAsync(string tenantId, string key, string transaction, int streams, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, dbTransaction) => connection.CreateCommand(dbTransaction, """
                    UPDATE idempotency_keys SET streams = @streams
                    WHERE tenant_id = @tenant_id AND idempotency_key = @idempotency_key AND txn = @txn
                    """)
                .With("@streams", streams)
                .With("@tenant_id", tenantId)
                .With("@idempotency_key", key)
                .With("@txn", transaction)
                .ExecuteAsync(cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task ReleaseAsync(string tenantId, string key, string transaction, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, dbTransaction) => connection.CreateCommand(dbTransaction, """
                    DELETE FROM idempotency_keys
                    WHERE tenant_id = @tenant_id AND idempotency_key = @idempotency_key AND txn = @txn AND streams IS NULL
                    """)
                .With("@tenant_id", tenantId)
                .With("@idempotency_key", key)
                .With("@txn", transaction)
                .ExecuteAsync(cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, "DELETE FROM idempotency_keys WHERE created_at < @before")
                .With("@before", before.ToDb())
                .ExecuteAsync(cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task DeleteTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, "DELETE FROM idempotency_keys WHERE tenant_id = @tenant_id")
                .With("@tenant_id", tenantId)
                .ExecuteAsync(cancellationToken),
            cancellationToken);
}
