
namespace SetHub.Grains.Streams;

/// <summary>A signed SET to append to a stream's log. Its bytes are final: every redelivery sends them as they are
/// (an explicit re-drive issues a new SET instead).</summary>
/// <param name="Jti">Its <c>jti</c>: appending one the stream already has is a no-op.</param>
/// <param name="Token">The compact JWS.</param>
/// <param name="EventType">The event type URI.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="Transaction">The <c>txn</c> of its publish (the event trace finds it by this).</param>
[GenerateSerializer, Immutable, Alias("SetHub.SetToAppend")]
public sealed record SetToAppend(
    [property: Id(0)] string Jti,
    [property: Id(1)] string Token,
    [property: Id(2)] string EventType,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] string? Transaction = null);

/// <summary>What became of an appended SET.</summary>
public enum AppendResult
{
    /// <summary>Durable in the stream's log.</summary>
    Queued,

    /// <summary>The stream already had this <c>jti</c> (a publish retried): counted as queued.</summary>
    Duplicate,

    /// <summary>The stream does not take it now (disabled, or the type is not in <c>events_delivered</c>).</summary>
    NotDelivered,

    /// <summary>There is no such stream (deleted a moment ago).</summary>
    NoSuchStream,
}

/// <summary>An error a receiver reported for one polled SET (RFC 8936 §2.4.4 <c>setErrs</c>).</summary>
/// <param name="Jti">The SET.</param>
/// <param name="Error">The RFC 8935 error code.</param>
/// <param name="Description">The receiver's description, if any.</param>
[GenerateSerializer, Immutable, Alias("SetHub.SetErrorData")]
public sealed record SetErrorData([property: Id(0)] string Jti, [property: Id(1)] string Error, [property: Id(2)] string? Description);

/// <summary>One poll (RFC 8936 §2.4) as the front door hands it to the stream.</summary>
/// <param name="ReceiverId">The authenticated receiver: only its own streams answer.</param>
/// <param name="Acks">Acknowledged <c>jti</c>s: removed for good before anything is returned.</param>
/// <param name="Errors">SETs the receiver rejected: dead-lettered, never redelivered.</param>
/// <param name="MaxEvents">The most SETs to return; 0 only acknowledges.</param>
/// <param name="Waiter">For a long poll: the silo whose front door holds the request, woken when SETs are queued.
/// Registered only when nothing is returned, in the same turn, so no wake-up is lost in between.</param>
/// <param name="WaitUntil">Until when the waiter wants to be woken.</param>
[GenerateSerializer, Immutable, Alias("SetHub.PollCall")]
public sealed record PollCall(
    [property: Id(0)] string ReceiverId,
    [property: Id(1)] string[] Acks,
    [property: Id(2)] SetErrorData[] Errors,
    [property: Id(3)] int MaxEvents,
    [property: Id(4)] SiloAddress? Waiter,
    [property: Id(5)] DateTimeOffset WaitUntil);

/// <summary>A SET handed out by a poll.</summary>
/// <param name="Jti">Its <c>jti</c>.</param>
/// <param name="Token">The compact JWS.</param>
[GenerateSerializer, Immutable, Alias("SetHub.PolledSet")]
public sealed record PolledSet([property: Id(0)] string Jti, [property: Id(1)] string Token);

/// <summary>Whether a poll found its stream.</summary>
public enum PollStatus
{
    /// <summary>The stream answered.</summary>
    Ok,

    /// <summary>No such poll stream for this receiver (gone, another receiver's, or a push stream).</summary>
    NotFound,
}

/// <summary>The answer to a <see cref="PollCall"/>.</summary>
/// <param name="Status">Whether the stream answered.</param>
/// <param name="Sets">The SETs returned, oldest first.</param>
/// <param name="MoreAvailable">Whether more SETs were available than returned (RFC 8936 §2.3).</param>
/// <param name="NextDueAt">When nothing was returned: when an unacknowledged SET is due again, so a long poll knows
/// when to look again without being told.</param>
[GenerateSerializer, Immutable, Alias("SetHub.PollAnswer")]
public sealed record PollAnswer(
    [property: Id(0)] PollStatus Status,
    [property: Id(1)] PolledSet[] Sets,
    [property: Id(2)] bool MoreAvailable,
    [property: Id(3)] DateTimeOffset? NextDueAt)
{
    /// <summary>No such poll stream.</summary>
    public static PollAnswer NotFound { get; } = new(PollStatus.NotFound, [], false, null);
}

/// <summary>A stream with its queue, as the operator sees it.</summary>
/// <param name="Stream">The configuration (push secret redacted).</param>
/// <param name="Queued">SETs waiting to be delivered (held ones included).</param>
/// <param name="Held">SETs held because the stream is paused.</param>
/// <param name="DeadLettered">Dead-lettered SETs.</param>
/// <param name="Delivery">Where delivery stands.</param>
[GenerateSerializer, Immutable, Alias("SetHub.StreamOverview")]
public sealed record StreamOverview(
    [property: Id(0)] StreamData Stream,
    [property: Id(1)] int Queued,
    [property: Id(2)] int Held,
    [property: Id(3)] int DeadLettered,
    [property: Id(4)] DeliveryState Delivery);

/// <summary>Where a stream's delivery stands.</summary>
/// <param name="LastSuccessAt">When a SET was last delivered (push) or acknowledged (poll), as far as this activation or
/// the trace retention knows.</param>
/// <param name="ConsecutiveFailures">Push attempts failed in a row (0 after a success; always 0 for poll).</param>
/// <param name="NextRetryAt">When the push backoff ends, if the stream is in one.</param>
/// <param name="LastError">The error of the last failed push attempt, while failures last.</param>
[GenerateSerializer, Immutable, Alias("SetHub.DeliveryState")]
public sealed record DeliveryState(
    [property: Id(0)] DateTimeOffset? LastSuccessAt,
    [property: Id(1)] int ConsecutiveFailures,
    [property: Id(2)] DateTimeOffset? NextRetryAt,
    [property: Id(3)] string? LastError);

/// <summary>Where one queued SET stands in its stream grain's memory.</summary>
/// <param name="Position">Its position.</param>
/// <param name="InFlight">Out with the receiver: being pushed, or polled and not yet acknowledged.</param>
/// <param name="Attempts">Delivery attempts so far.</param>
/// <param name="LastError">The error of its last failed attempt.</param>
/// <param name="NextAttemptAt">When it is tried next: the end of the push backoff for the SET at the head of a push
/// stream, the redelivery time of a polled SET.</param>
[GenerateSerializer, Immutable, Alias("SetHub.SetProgress")]
public sealed record SetProgress(
    [property: Id(0)] long Position,
    [property: Id(1)] bool InFlight,
    [property: Id(2)] int Attempts,
    [property: Id(3)] string? LastError,
    [property: Id(4)] DateTimeOffset? NextAttemptAt);

/// <summary>The live state of some of a stream's queued SETs.</summary>
/// <param name="Lane">The stream's delivery method: <c>push</c> or <c>poll</c>.</param>
/// <param name="Sets">The SETs the grain holds in memory (others are further back in the queue, waiting).</param>
[GenerateSerializer, Immutable, Alias("SetHub.SetProgressAnswer")]
public sealed record SetProgressAnswer([property: Id(0)] string Lane, [property: Id(1)] SetProgress[] Sets);

/// <summary>A dead-lettered SET, for the operator.</summary>
[GenerateSerializer, Immutable, Alias("SetHub.DeadLetterData")]
public sealed record DeadLetterData(
    [property: Id(0)] string Jti,
    [property: Id(1)] string EventType,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset QueuedAt,
    [property: Id(4)] int Attempts,
    [property: Id(5)] string? LastError);

/// <summary>A dead letter re-driven as a re-issued SET.</summary>
/// <param name="Jti">The dead letter's <c>jti</c>.</param>
/// <param name="NewJti">The re-issued SET's <c>jti</c>.</param>
[GenerateSerializer, Immutable, Alias("SetHub.ReissuedSet")]
public sealed record ReissuedSet([property: Id(0)] string Jti, [property: Id(1)] string NewJti);

/// <summary>What a re-drive did.</summary>
/// <param name="Count">Dead letters queued again.</param>
/// <param name="Reissued">The first 1,000 of them, with their new <c>jti</c>s.</param>
[GenerateSerializer, Immutable, Alias("SetHub.RedriveData")]
public sealed record RedriveData([property: Id(0)] int Count, [property: Id(1)] ReissuedSet[] Reissued);
