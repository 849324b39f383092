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

/// <summary>An error a receiver reported for one SET (RFC 8936 §2.4.4 <c>setErrs</c>).</summary>
/// <param name="Error">The RFC 8935 error code.</param>
/// <param name="Description">The receiver's description, if any.</param>
public sealed record SetError(string Error, string? Description);

/// <summary>One poll round trip against the queue (RFC 8936 §2.4).</summary>
/// <param name="Acks">The <c>jti</c>s acknowledged: removed from the queue for good.</param>
/// <param name="Errors">SETs the receiver rejected: dead-lettered with the error, never redelivered.</param>
/// <param name="MaxEvents">The most SETs to return; 0 only acknowledges.</param>
/// <param name="ControlOnly">Whether only control SETs may be returned (the stream is not enabled).</param>
/// <param name="Now">The current time: SETs due at or before it may be returned.</param>
/// <param name="RedeliverAt">When a returned but unacknowledged SET becomes due again (RFC 8936 §2.4).</param>
public sealed record PollQuery(
    IReadOnlyList<string> Acks,
    IReadOnlyDictionary<string, SetError> Errors,
    int MaxEvents,
    bool ControlOnly,
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
    /// <summary>Queues signed SETs durably: when this returns they are committed.</summary>
    Task EnqueueAsync(IReadOnlyList<QueuedSet> sets, CancellationToken cancellationToken = default);

    /// <summary>Applies acknowledgements and errors, then takes the oldest due SETs and marks them in flight until
    /// <see cref="PollQuery.RedeliverAt"/>: one transaction, so acknowledged SETs never come back.</summary>
    Task<PollBatch> PollAsync(string tenantId, string streamId, PollQuery query, CancellationToken cancellationToken = default);
}
