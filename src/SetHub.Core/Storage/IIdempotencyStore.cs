namespace SetHub.Core.Storage;

/// <summary>What a publish with an <c>Idempotency-Key</c> recorded: the request it was, the <c>txn</c> its SETs carry,
/// and, once it completed, its answer.</summary>
/// <param name="RequestHash">The hash of the request body (the same key with another body is refused).</param>
/// <param name="Transaction">The <c>txn</c> of the publish: every attempt under the key publishes under it.</param>
/// <param name="Streams">The number of streams the answer reported, once the publish completed; <see langword="null"/>
/// while it has not.</param>
/// <param name="CreatedAt">When the key was first used.</param>
public sealed record IdempotencyRecord(string RequestHash, string Transaction, int? Streams, DateTimeOffset CreatedAt);

/// <summary>The idempotency keys of the publish API, shared by every node, kept for the retention period and purged after.</summary>
public interface IIdempotencyStore
{
    /// <summary>Records <paramref name="candidate"/> under the key unless a record younger than
    /// <paramref name="expiredBefore"/> is there already, and returns the one that is there now (of concurrent callers,
    /// all get the same record).</summary>
    Task<IdempotencyRecord> GetOrAddAsync(string tenantId, string key, IdempotencyRecord candidate, DateTimeOffset expiredBefore, CancellationToken cancellationToken = default);

    /// <summary>Records the answer of the publish made under the key with <paramref name="transaction"/>.</summary>
    Task CompleteAsync(string tenantId, string key, string transaction, int streams, CancellationToken cancellationToken = default);

    /// <summary>Forgets the key if its publish (with <paramref name="transaction"/>) never completed: it was refused, so
    /// a later request under the key starts afresh.</summary>
    Task ReleaseAsync(string tenantId, string key, string transaction, CancellationToken cancellationToken = default);

    /// <summary>Deletes the records created before <paramref name="before"/>.</summary>
    Task PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>Deletes every record of a tenant (the tenant was deleted).</summary>
    Task DeleteTenantAsync(string tenantId, CancellationToken cancellationToken = default);
}
