namespace SetHub.Core.Storage;

/// <summary>A signed SET waiting for delivery on one stream.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="StreamId">The stream.</param>
/// <param name="Jti">Its <c>jti</c>, unique on the stream.</param>
/// <param name="Token">The compact JWS, signed once; every (re)delivery sends these exact bytes.</param>
/// <param name="EventType">The event type URI.</param>
/// <param name="IsControl">Whether it is an SSF control event (verification, stream-updated), which is delivered
/// whatever the stream's status.</param>
/// <param name="CreatedAt">When it was queued.</param>
public sealed record QueuedSet(
    string TenantId,
    string StreamId,
    string Jti,
    string Token,
    string EventType,
    bool IsControl,
    DateTimeOffset CreatedAt);

/// <summary>How a queued SET leaves the hub.</summary>
public enum SetLane
{
    /// <summary>The push worker sends it (RFC 8935).</summary>
    Push,

    /// <summary>The receiver polls it (RFC 8936).</summary>
    Poll,

    /// <summary>Its stream is paused: it waits (SSF 1.0 §8.1.2.1).</summary>
    Held,
}

/// <summary>A SET the queue accepted, and the lane it entered.</summary>
/// <param name="Set">The SET.</param>
/// <param name="Lane">Its lane, from its stream's delivery method and status when it was queued.</param>
public sealed record EnqueuedSet(QueuedSet Set, SetLane Lane);

/// <summary>A dead-lettered SET: not deliverable, kept for inspection and re-drive.</summary>
/// <param name="Jti">Its <c>jti</c>.</param>
/// <param name="EventType">The event type.</param>
/// <param name="CreatedAt">When it was first queued.</param>
/// <param name="QueuedAt">When its MaxDeliveryAge clock started (creation or the last re-drive).</param>
/// <param name="Attempts">How many times delivery was attempted.</param>
/// <param name="LastError">Why it was dead-lettered.</param>
public sealed record DeadLetter(string Jti, string EventType, DateTimeOffset CreatedAt, DateTimeOffset QueuedAt, int Attempts, string? LastError);

/// <summary>Queue depth of one stream.</summary>
/// <param name="Queued">SETs waiting to be delivered (including held ones).</param>
/// <param name="Held">SETs held because the stream is paused.</param>
/// <param name="DeadLettered">Dead-lettered SETs.</param>
public sealed record QueueCounts(int Queued, int Held, int DeadLettered);

/// <summary>An error a receiver reported for one SET (RFC 8936 §2.4.4 <c>setErrs</c>).</summary>
/// <param name="Error">The RFC 8935 error code.</param>
/// <param name="Description">The receiver's description, if any.</param>
public sealed record SetError(string Error, string? Description);

/// <summary>One poll round trip against the queue (RFC 8936 §2.4).</summary>
/// <param name="Acks">The <c>jti</c>s acknowledged: removed from the queue for good.</param>
/// <param name="Errors">SETs the receiver rejected: dead-lettered with the error, never redelivered.</param>
/// <param name="MaxEvents">The most SETs to return; 0 only acknowledges.</param>
/// <param name="Now">The current time: SETs due at or before it may be returned.</param>
/// <param name="RedeliverAt">When a returned but unacknowledged SET becomes due again (RFC 8936 §2.4).</param>
public sealed record PollQuery(
    IReadOnlyList<string> Acks,
    IReadOnlyDictionary<string, SetError> Errors,
    int MaxEvents,
    DateTimeOffset Now,
    DateTimeOffset RedeliverAt);

/// <summary>A SET returned by a poll.</summary>
/// <param name="Jti">Its <c>jti</c>.</param>
/// <param name="Token">The compact JWS.</param>
public sealed record PolledSet(string Jti, string Token);

/// <summary>The answer to a <see cref="PollQuery"/>.</summary>
/// <param name="Sets">The SETs to return, oldest first.</param>
/// <param name="MoreAvailable">Whether more SETs were due than returned (RFC 8936 §2.3 <c>moreAvailable</c>).</param>
public sealed record PollBatch(IReadOnlyList<PolledSet> Sets, bool MoreAvailable);

/// <summary>The per-stream SET queue.</summary>
public interface ISetStore
{
    /// <summary>
    /// Queues signed SETs durably, in one transaction: when this returns they are committed. Each SET takes its
    /// lane from its stream as it is at that moment; SETs for a stream that is gone, or disabled (non-control SETs
    /// only, SSF 1.0 §8.1.2.1), are not queued.
    /// </summary>
    /// <returns>The SETs queued, with their lanes.</returns>
    Task<IReadOnlyList<EnqueuedSet>> EnqueueAsync(IReadOnlyList<QueuedSet> sets, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues the SETs that announce an opt-out state change and applies the change, in one transaction (RISC 1.0
    /// §2.8): both are committed or neither is. The change is applied even when no SET is queued.
    /// </summary>
    /// <returns>The SETs queued, with their lanes.</returns>
    Task<IReadOnlyList<EnqueuedSet>> EnqueueAsync(IReadOnlyList<QueuedSet> sets, SubjectOptOutChange optOutChange, CancellationToken cancellationToken = default);

    /// <summary>Applies acknowledgements and errors, then takes the oldest due poll-lane SETs and marks them in flight
    /// until <see cref="PollQuery.RedeliverAt"/>: one transaction, so acknowledged SETs never come back.</summary>
    Task<PollBatch> PollAsync(string tenantId, string streamId, PollQuery query, CancellationToken cancellationToken = default);

    /// <summary>Whether the stream has a poll-lane SET due at <paramref name="now"/>: a read, for waiting long polls.</summary>
    Task<bool> HasDueAsync(string tenantId, string streamId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Lists a stream's dead letters, oldest first.</summary>
    Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(string tenantId, string streamId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Re-queues dead letters (all of the stream's, or those named), restarting their delivery clock.</summary>
    /// <returns>How many were re-queued.</returns>
    Task<int> RedriveAsync(string tenantId, string streamId, IReadOnlyList<string>? jtis, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Dead-letters up to <paramref name="limit"/> queued SETs queued before <paramref name="queuedBefore"/>
    /// (MaxDeliveryAge), keeping their last error.</summary>
    /// <returns>How many were dead-lettered.</returns>
    Task<int> ExpireAsync(DateTimeOffset queuedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>Counts a stream's queued, held and dead-lettered SETs.</summary>
    Task<QueueCounts> CountAsync(string tenantId, string streamId, CancellationToken cancellationToken = default);
}
