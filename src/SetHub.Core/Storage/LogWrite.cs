namespace SetHub.Core.Storage;

/// <summary>A queued SET that left the queue: delivered or acknowledged. The <c>jti</c> goes with the position because a
/// store may index the log by both (Azure Table keeps a <c>jti</c> row beside each SET's row, and removes the two
/// together).</summary>
/// <param name="Position">Its position.</param>
/// <param name="Jti">Its <c>jti</c>.</param>
/// <param name="Attempts">Its delivery attempts, this one included.</param>
/// <param name="Acknowledged">Whether it was acknowledged by a poll (else pushed and accepted).</param>
public readonly record struct LogRemoval(long Position, string Jti, int Attempts = 1, bool Acknowledged = false);

/// <summary>A SET moved to the dead letters, with why.</summary>
/// <param name="Position">Its position.</param>
/// <param name="Error">The reason kept with it.</param>
/// <param name="Attempts">Its attempts, counted until now.</param>
public readonly record struct DeadLetterMark(long Position, string Error, int Attempts);

/// <summary>A dead letter queued again at a new position, at the end of the stream's log, with a fresh MaxDeliveryAge
/// clock, as a re-issued SET: a new <c>jti</c> and token (<c>Signing.SetReissue</c>) replace the old ones.</summary>
/// <param name="Jti">The dead letter's <c>jti</c>.</param>
/// <param name="Position">Its new position.</param>
/// <param name="QueuedAt">When its clock restarts (and the re-issued SET's <c>iat</c>).</param>
/// <param name="NewJti">The re-issued SET's <c>jti</c>.</param>
/// <param name="NewToken">The re-issued SET.</param>
public readonly record struct Redrive(string Jti, long Position, DateTimeOffset QueuedAt, string NewJti, string NewToken);

/// <summary>The push state to store in the head: consecutive failures and the next attempt.</summary>
/// <param name="Failures">Consecutive failures; 0 after a success.</param>
/// <param name="NextAttemptAt">When the next attempt is due, or <see langword="null"/>.</param>
public readonly record struct HeadUpdate(int Failures, DateTimeOffset? NextAttemptAt);

/// <summary>
/// Everything one turn of a stream grain changes in its log, committed together (and, by the silo's committer,
/// together with other streams' writes, without depending on them).
/// </summary>
public sealed class LogWrite
{
    /// <summary>SETs to append, in position order.</summary>
    public List<LogEntry> Appends { get; } = [];

    /// <summary>Queued SETs that left the queue (delivered, acknowledged, or dropped): removed.</summary>
    public List<LogRemoval> Removals { get; } = [];

    /// <summary>Queued SETs removed by <c>jti</c> (acknowledgements of SETs the grain does not hold in memory).</summary>
    public List<string> RemovalsByJti { get; } = [];

    /// <summary>When the removals happened. With a time, removed SETs are kept, marked delivered or acknowledged, for
    /// the event trace (and found again by a publish retried with the same <c>jti</c>) until a later write purges them
    /// (<see cref="PurgeDoneBefore"/>); without one, they are deleted at once.</summary>
    public DateTimeOffset? RemovedAt { get; set; }

    /// <summary>Delete this stream's delivered and acknowledged SETs done before this time (the trace retention ended).</summary>
    public DateTimeOffset? PurgeDoneBefore { get; set; }

    /// <summary>Queued SETs to dead-letter.</summary>
    public List<DeadLetterMark> DeadLetters { get; } = [];

    /// <summary>Dead letters to queue again at new positions.</summary>
    public List<Redrive> Redrives { get; } = [];

    /// <summary>Queued SETs appended before this time are dead-lettered (MaxDeliveryAge) with
    /// <see cref="ExpiryError"/>, whether the grain holds them in memory or not.</summary>
    public DateTimeOffset? ExpireQueuedBefore { get; set; }

    /// <summary>The error recorded with SETs that expire.</summary>
    public string? ExpiryError { get; set; }

    /// <summary>Remove every queued SET that is not a control SET (a disabled stream holds nothing, SSF 1.0 §8.1.2.1).</summary>
    public bool DropQueuedEvents { get; set; }

    /// <summary>The push state to store, or <see langword="null"/> to leave it.</summary>
    public HeadUpdate? Head { get; set; }

    /// <summary>Whether there is nothing to write.</summary>
    public bool IsEmpty =>
        Appends.Count == 0 && Removals.Count == 0 && RemovalsByJti.Count == 0 && DeadLetters.Count == 0 &&
        Redrives.Count == 0 && ExpireQueuedBefore is null && !DropQueuedEvents && Head is null && PurgeDoneBefore is null;
}

/// <summary>How a log write ended.</summary>
public enum LogWriteStatus
{
    /// <summary>Committed.</summary>
    Committed,

    /// <summary>Refused: another activation claimed the stream's log since this one did. Nothing was written; the
    /// writer must stop acting for the stream.</summary>
    Fenced,
}

/// <summary>The outcome of a <see cref="LogWrite"/>.</summary>
/// <param name="Status">Committed or fenced.</param>
/// <param name="Duplicates">Appended <c>jti</c>s that already existed in the stream's log: counted as written, and
/// the existing SET kept.</param>
public sealed record LogWriteResult(LogWriteStatus Status, IReadOnlyList<string> Duplicates)
{
    /// <summary>A committed write without duplicates.</summary>
    public static LogWriteResult Committed { get; } = new(LogWriteStatus.Committed, []);

    /// <summary>A fenced write.</summary>
    public static LogWriteResult Fenced { get; } = new(LogWriteStatus.Fenced, []);
}
