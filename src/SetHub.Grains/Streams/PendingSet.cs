using SetHub.Core.Storage;

namespace SetHub.Grains.Streams;

/// <summary>A queued SET the stream grain holds in memory: its log entry and where its delivery stands.</summary>
internal sealed class PendingSet(LogEntry entry, Task? commit)
{
    /// <summary>The SET as stored.</summary>
    public LogEntry Entry { get; } = entry;

    /// <summary>Its position.</summary>
    public long Position => Entry.Position;

    /// <summary>Whether it is committed: only then may it be pushed, polled or announced (group-commit semantics).</summary>
    public bool IsDurable => commit is null || commit.IsCompletedSuccessfully;

    /// <summary>For poll delivery: until when it is out with the receiver, unacknowledged (RFC 8936 §2.4).</summary>
    public DateTimeOffset? InFlightUntil { get; set; }

    /// <summary>Delivery attempts, counted from when this activation got it.</summary>
    public int Attempts { get; set; } = entry.Attempts;

    /// <summary>The error of the last failed attempt.</summary>
    public string? LastError { get; set; } = entry.LastError;
}
