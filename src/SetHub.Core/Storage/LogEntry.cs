namespace SetHub.Core.Storage;

/// <summary>
/// One SET in a stream's log. Positions order a stream's SETs: they grow with every append and are never reused, so
/// a reader may meet gaps (delivered or dropped SETs) but never two SETs out of order.
/// </summary>
/// <param name="Position">Its place in the stream's log.</param>
/// <param name="Jti">Its <c>jti</c>, unique within the stream: appending an existing one is a no-op.</param>
/// <param name="Token">The compact JWS, signed once; every (re)delivery sends these exact bytes.</param>
/// <param name="EventType">The event type URI.</param>
/// <param name="IsControl">Whether it is an SSF control event (verification, stream-updated), delivered whatever the
/// stream's status (SSF 1.0 §8.1.2.1).</param>
/// <param name="QueuedAt">When its MaxDeliveryAge clock started: when it was appended, or last re-driven.</param>
/// <param name="Attempts">Delivery attempts so far.</param>
/// <param name="LastError">The error of its last failed attempt, if any.</param>
public sealed record LogEntry(
    long Position,
    string Jti,
    string Token,
    string EventType,
    bool IsControl,
    DateTimeOffset QueuedAt,
    int Attempts = 0,
    string? LastError = null);

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
public sealed record LogCounts(int Queued, int QueuedControl, int DeadLettered);
