namespace SetHub.Core.Storage;

/// <summary>A push stream claimed by one node until its lease ends.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="StreamId">The stream.</param>
/// <param name="Failures">Consecutive failed attempts so far (drives the backoff).</param>
/// <param name="LeaseOwner">The token of this claim: only the holder of the current claim may release it.</param>
/// <param name="LeaseUntil">When the lease ends; after that another node may take the stream over.</param>
public sealed record ClaimedStream(string TenantId, string StreamId, int Failures, string LeaseOwner, DateTimeOffset LeaseUntil);

/// <summary>A push-lane SET waiting to be sent.</summary>
/// <param name="Jti">Its <c>jti</c>.</param>
/// <param name="Token">The compact JWS to send.</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="QueuedAt">When its MaxDeliveryAge clock started.</param>
/// <param name="LastError">The error of its last attempt, if any.</param>
public sealed record PendingSet(string Jti, string Token, int Attempts, DateTimeOffset QueuedAt, string? LastError);

/// <summary>What happened to one claimed stream's SETs; recorded in one transaction.</summary>
/// <param name="Stream">The claimed stream.</param>
/// <param name="Delivered">SETs the receiver accepted: removed.</param>
/// <param name="DeadLettered">SETs the receiver rejected for good, with the reason.</param>
/// <param name="Expired">SETs older than MaxDeliveryAge, dead-lettered without another attempt.</param>
/// <param name="Failed">The SET whose attempt failed and will be retried, with the error; or <see langword="null"/>.</param>
/// <param name="RetryAt">When the stream is tried again after a failure; <see langword="null"/> when nothing failed.</param>
/// <param name="Now">The current time.</param>
/// <param name="Unfinished">Whether the batch was cut short rather than worked through (its time slice or lease ran
/// out, the stream changed, or the node is shutting down): whatever push work is left is due again at once, for this or
/// another node.</param>
public sealed record PushBatchResult(
    ClaimedStream Stream,
    IReadOnlyList<string> Delivered,
    IReadOnlyList<(string Jti, string Error)> DeadLettered,
    IReadOnlyList<(string Jti, string Error)> Expired,
    (string Jti, string Error)? Failed,
    DateTimeOffset? RetryAt,
    DateTimeOffset Now,
    bool Unfinished = false)
{
    /// <summary>A release of a claim nothing was done with.</summary>
    public static PushBatchResult Untouched(ClaimedStream stream, DateTimeOffset now) => new(stream, [], [], [], null, null, now, Unfinished: true);

    /// <summary>Whether any SET left the queue (delivered, rejected or expired).</summary>
    public bool MadeProgress => Delivered.Count > 0 || DeadLettered.Count > 0 || Expired.Count > 0;
}

/// <summary>
/// Push work, claimed per stream: a node leases a stream, sends its SETs in order, and records the outcome. A lease
/// that is not released (the node died) expires and another node takes the stream over.
/// </summary>
public interface IPushDeliveryStore
{
    /// <summary>Leases up to <paramref name="max"/> push streams that are due (or whose lease expired) to the claim
    /// token <paramref name="owner"/>, unique to this call.</summary>
    Task<IReadOnlyList<ClaimedStream>> ClaimStreamsAsync(string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>The oldest push-lane SETs of a stream, in queue order.</summary>
    Task<IReadOnlyList<PendingSet>> GetPushSetsAsync(string tenantId, string streamId, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether <paramref name="jti"/> may still be pushed under <paramref name="claim"/>: the SET is still queued in the
    /// push lane (its stream was not paused, disabled, deleted or switched to poll), the stream is still at
    /// <paramref name="streamVersion"/> (its endpoint and secret are the ones read), and the claim still holds the lease
    /// past <paramref name="sendDeadline"/>. Asked before every push but a batch's first, so a change made through any
    /// node stops a running batch within one request.
    /// </summary>
    Task<bool> CanSendAsync(ClaimedStream claim, string jti, long streamVersion, DateTimeOffset sendDeadline, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the batch's outcomes (SETs delivered, dead-lettered, the failed attempt), which are facts whoever holds
    /// the lease now, and releases and reschedules the stream only while the claim still holds its lease. The stream is
    /// due: at <see cref="PushBatchResult.RetryAt"/> after a failure, unless a change to the stream during the lease
    /// ended its backoff (then at once, with no failures counted); at once when SETs remain and the batch made progress
    /// or was cut short; otherwise when a SET queued during the lease made it due (or never).
    /// </summary>
    /// <returns>When the stream is due next, or <see langword="null"/>.</returns>
    Task<DateTimeOffset?> ReleaseAsync(PushBatchResult result, CancellationToken cancellationToken = default);

    /// <summary>When the next push stream becomes due, or <see langword="null"/> when none is waiting.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default);
}
