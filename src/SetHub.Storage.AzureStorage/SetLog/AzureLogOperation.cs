using SetHub.Core.Storage;

namespace SetHub.Storage.AzureStorage.SetLog;

/// <summary>One stream's claim or write, queued for its partition; its task completes once it is durable.</summary>
internal abstract class AzureLogOperation(StreamKey stream)
{
    public StreamKey Stream { get; } = stream;

    public abstract void Fail(Exception exception);
}

/// <summary>A claim of the stream's log for a new activation.</summary>
internal sealed class ClaimLogOperation(StreamKey stream, string owner, int windowSize) : AzureLogOperation(stream)
{
    private readonly TaskCompletionSource<LogClaim> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Owner { get; } = owner;

    public int WindowSize { get; } = windowSize;

    public Task<LogClaim> Task => _completion.Task;

    public void Complete(LogClaim claim) => _completion.TrySetResult(claim);

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}

/// <summary>A write under an epoch.</summary>
internal sealed class WriteLogOperation(StreamKey stream, long epoch, LogWrite write) : AzureLogOperation(stream)
{
    private readonly TaskCompletionSource<LogWriteResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Epoch { get; } = epoch;

    public LogWrite Write { get; } = write;

    /// <summary>Appended <c>jti</c>s the stream had already.</summary>
    public List<string> Duplicates { get; } = [];

    public Task<LogWriteResult> Task => _completion.Task;

    public void Complete() => _completion.TrySetResult(Duplicates.Count == 0 ? LogWriteResult.Committed : new LogWriteResult(LogWriteStatus.Committed, Duplicates));

    public void CompleteFenced() => _completion.TrySetResult(LogWriteResult.Fenced);

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
