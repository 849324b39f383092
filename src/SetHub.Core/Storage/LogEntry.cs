namespace SetHub.Core.Storage;

/// <summary>
/// One SET in a stream's log. Positions order a stream's SETs: they grow with every append and are never reused, so
/// a reader may meet gaps (delivered or dropped SETs) but never two SETs out of order.
/// </summary>
/// <param name="Position">Its place in the stream's log.</param>
/// <param name="Jti">Its <c>jti</c>, unique within the stream: appending an existing one is a no-op.</param>
/// <param name="Token">The compact JWS, signed once; every redelivery sends these exact bytes (an explicit re-drive
/// re-issues the SET under a new <c>jti</c>).</param>
/// <param name="EventType">The event type URI.</param>
/// <param name="IsControl">Whether it is an SSF control event (verification, stream-updated), delivered whatever the
/// stream's status (SSF 1.0 §8.1.2.1).</param>
/// <param name="QueuedAt">When its MaxDeliveryAge clock started: when it was appended, or last re-driven.</param>
/// <param name="Attempts">Delivery attempts so far.</param>
/// <param name="LastError">The error of its last failed attempt, if any.</param>
/// <param name="Transaction">The <c>txn</c> of the publish it came from (none for control SETs): the event trace finds
/// a publish's SETs by it.</param>
public sealed record LogEntry(
    long Position,
    string Jti,
    string Token,
    string EventType,
    bool IsControl,
    DateTimeOffset QueuedAt,
    int Attempts = 0,
    string? LastError = null,
    string? Transaction = null);

/// <summary>A dead-lettered SET: not deliverable, kept for inspection and re-drive.</summary>
/// <param name="Jti">Its <c>jti</c>.</param>
/// <param name="EventType">The event type.</param>
/// <param name="CreatedAt">When it was first queued (the SET's <c>iat</c> is this time too).</param>
/// <param name="QueuedAt">When its MaxDeliveryAge clock started (creation or the last re-drive).</param>
/// <param name="Attempts">How many times delivery was attempted.</param>
/// <param name="LastError">Why it was dead-lettered.</param>
/// <param name="Token">The compact SET (a re-drive re-issues it from these claims).</param>
public sealed record DeadLetter(string Jti, string EventType, DateTimeOffset CreatedAt, DateTimeOffset QueuedAt, int Attempts, string? LastError, string Token);

/// <summary>Queue depth of one stream, as stored.</summary>
/// <param name="Queued">SETs waiting to be delivered.</param>
/// <param name="QueuedControl">Of those, SSF control SETs (delivered even while the stream is paused).</param>
/// <param name="DeadLettered">Dead-lettered SETs.</param>
/// <param name="LastDoneAt">When a SET of the stream was last delivered or acknowledged, as far as the trace retention
/// remembers.</param>
public sealed record LogCounts(int Queued, int QueuedControl, int DeadLettered, DateTimeOffset? LastDoneAt = null);

/// <summary>Where a SET of a stream's log stands, as stored. The values are what every store writes in its state
/// column or property.</summary>
public enum LoggedSetState
{
    /// <summary>Waiting to be delivered (or acknowledged).</summary>
    Queued = 0,

    /// <summary>Dead-lettered.</summary>
    DeadLettered = 1,

    /// <summary>Pushed and accepted by the receiver.</summary>
    Delivered = 2,

    /// <summary>Polled and acknowledged by the receiver.</summary>
    Acknowledged = 3,
}

/// <summary>A SET as the event trace finds it in a stream's log: queued, dead-lettered, or done and kept for
/// <c>DeliveryOptions.TraceRetention</c>.</summary>
/// <param name="StreamId">Its stream.</param>
/// <param name="Position">Its position in the stream's log.</param>
/// <param name="Jti">Its <c>jti</c>.</param>
/// <param name="Transaction">Its <c>txn</c>, if any.</param>
/// <param name="EventType">The event type.</param>
/// <param name="IsControl">Whether it is an SSF control SET.</param>
/// <param name="State">Where it stands.</param>
/// <param name="CreatedAt">When it was queued (its <c>iat</c>).</param>
/// <param name="DoneAt">When it was delivered or acknowledged.</param>
/// <param name="Attempts">Delivery attempts recorded (at dead-lettering or delivery; the stream grain knows the
/// current count of a queued SET).</param>
/// <param name="LastError">The last error recorded.</param>
/// <param name="ReissuedFrom">For a SET a re-drive re-issued: the <c>jti</c> of the dead letter it replaced.</param>
public sealed record LoggedSet(
    string StreamId,
    long Position,
    string Jti,
    string? Transaction,
    string EventType,
    bool IsControl,
    LoggedSetState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DoneAt,
    int Attempts,
    string? LastError,
    string? ReissuedFrom);
