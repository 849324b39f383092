namespace SetHub.Core.Storage;

/// <summary>
/// The per-stream SET logs. One activation of a stream grain at a time owns a stream's log: it claims an epoch, and
/// every write it makes is conditional on that epoch. Implementations gather the writes of every stream of a node into
/// batched writes (group commit), keep one stream's writes in order, and never make one stream's write depend on
/// another's: no transaction spans streams.
/// </summary>
public interface ISetLog
{
    /// <summary>
    /// Claims the stream's log for a new activation: the epoch goes up by one (creating the head on first use) and
    /// the owner is recorded, then the oldest queued SETs are read. From now on writes under an older epoch are refused.
    /// </summary>
    Task<LogClaim> ClaimAsync(StreamKey stream, string owner, int windowSize, CancellationToken cancellationToken = default);

    /// <summary>Commits one stream's changes if <paramref name="epoch"/> is still the stream's epoch.</summary>
    Task<LogWriteResult> WriteAsync(StreamKey stream, long epoch, LogWrite write, CancellationToken cancellationToken = default);

    /// <summary>Reads queued SETs after <paramref name="afterPosition"/>, in order; with <paramref name="controlOnly"/>,
    /// only control SETs.</summary>
    Task<IReadOnlyList<LogEntry>> ReadAsync(StreamKey stream, long afterPosition, int limit, bool controlOnly = false, CancellationToken cancellationToken = default);

    /// <summary>The event trace: a tenant's SETs with this <c>txn</c> (<paramref name="transaction"/>) or this
    /// <c>jti</c>, in every state: queued, dead-lettered, or delivered or acknowledged and not yet purged. Not a hot
    /// path: a store may answer it with a scan.</summary>
    Task<IReadOnlyList<LoggedSet>> FindAsync(string tenantId, string? transaction, string? jti, CancellationToken cancellationToken = default);

    /// <summary>Lists a stream's dead letters, oldest first.</summary>
    Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(StreamKey stream, int limit, CancellationToken cancellationToken = default);

    /// <summary>Counts a stream's queued and dead-lettered SETs.</summary>
    Task<LogCounts> CountAsync(StreamKey stream, CancellationToken cancellationToken = default);

    /// <summary>Deletes a stream's log and head. Unconditional: used when the stream itself is deleted.</summary>
    Task DeleteAsync(StreamKey stream, CancellationToken cancellationToken = default);

    /// <summary>The streams with queued SETs last claimed by a silo that is not among <paramref name="liveOwners"/>:
    /// after that silo died (or the node restarted), they are woken at once instead of at their next reminder.</summary>
    Task<IReadOnlyList<StreamKey>> FindOrphanedAsync(IReadOnlyCollection<string> liveOwners, CancellationToken cancellationToken = default);
}
