using SetHub.Core.Storage;

namespace SetHub.Storage.Relational.SetLog;

/// <summary>One stream's request to its silo's committer: a claim or a write. Its result is set by the batch that
/// executes it and handed to the caller only once that batch has committed.</summary>
public abstract class LogOperation(StreamKey stream)
{
    /// <summary>The stream.</summary>
    public StreamKey Stream { get; } = stream;

    /// <summary>How many rows it writes, roughly: what bounds a batch.</summary>
    public abstract int Weight { get; }

    internal abstract void Complete();

    internal abstract void Fail(Exception exception);
}

/// <summary>Claims a stream's log for a new activation (see <see cref="ISetLog.ClaimAsync"/>).</summary>
public sealed class ClaimOperation(StreamKey stream, string owner, int windowSize) : LogOperation(stream)
{
    private readonly TaskCompletionSource<LogClaim> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The claiming silo.</summary>
    public string Owner { get; } = owner;

    /// <summary>How many queued SETs to read.</summary>
    public int WindowSize { get; } = windowSize;

    /// <summary>The claim's result, set by the batch.</summary>
    public LogClaim? Result { get; set; }

    /// <inheritdoc />
    public override int Weight => 1 + WindowSize / 16;

    /// <summary>Completes when the claim is durable.</summary>
    public Task<LogClaim> Task => _completion.Task;

    internal override void Complete() => _completion.TrySetResult(Result ?? throw new InvalidOperationException("A claim was committed without a result."));

    internal override void Fail(Exception exception) => _completion.TrySetException(exception);
}

/// <summary>A stream's write under its epoch (see <see cref="ISetLog.WriteAsync"/>).</summary>
public sealed class WriteOperation(StreamKey stream, long epoch, LogWrite write) : LogOperation(stream)
{
    private readonly TaskCompletionSource<LogWriteResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The epoch the write is conditional on.</summary>
    public long Epoch { get; } = epoch;

    /// <summary>What to write.</summary>
    public LogWrite Write { get; } = write;

    /// <summary>Whether the stream's epoch matched: set by the batch (fenced writes write nothing).</summary>
    public bool Fenced { get; set; }

    /// <summary>Appended <c>jti</c>s that already existed: set by the batch.</summary>
    public List<string> Duplicates { get; } = [];

    /// <inheritdoc />
    public override int Weight => 1 + Write.Appends.Count + Write.Removals.Count + Write.RemovalsByJti.Count + Write.DeadLetters.Count + Write.Redrives.Count;

    /// <summary>Completes when the write is durable (or refused).</summary>
    public Task<LogWriteResult> Task => _completion.Task;

    internal override void Complete() => _completion.TrySetResult(
        Fenced ? LogWriteResult.Fenced : Duplicates.Count == 0 ? LogWriteResult.Committed : new LogWriteResult(LogWriteStatus.Committed, Duplicates));

    internal override void Fail(Exception exception) => _completion.TrySetException(exception);
}
