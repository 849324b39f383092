namespace SetHub.Bench.Load;

/// <summary>
/// Saturating load: many publishers send as fast as the hub accepts, but only while fewer than <c>cap</c> accepted
/// SETs wait for delivery. Publishing and delivering compete for the same CPU and store, and a publish can take
/// tens of milliseconds under load: enough publishers keep the backlog at the cap so delivery always has work. The cap
/// keeps the queue (and the drain after the window) bounded.
/// </summary>
public sealed class BacklogCappedLoad(Publisher publisher, PublishPlan plan, Func<long> backlog, long cap, int workers, bool retry)
{
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(2);
    private long _next = -1;
    private long _accepted;
    private long _rejected;
    private long _backlogSum;
    private long _backlogSamples;
    private TaskCompletionSource _room = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>The mean backlog since the last reset: at the cap, delivery was the limit; well below it, publishing.</summary>
    public double MeanBacklog => Interlocked.Read(ref _backlogSamples) == 0 ? double.NaN : (double)Interlocked.Read(ref _backlogSum) / Interlocked.Read(ref _backlogSamples);

    public void ResetMeanBacklog()
    {
        Interlocked.Exchange(ref _backlogSum, 0);
        Interlocked.Exchange(ref _backlogSamples, 0);
    }

    /// <summary>Publishes until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll([GateAsync(stop), .. Enumerable.Range(0, workers).Select(_ => WorkAsync(stop))]);

    // One task watches the backlog and opens or closes the gate, so waiting publishers cost nothing.
    private async Task GateAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var waiting = backlog();
            Interlocked.Add(ref _backlogSum, waiting);
            Interlocked.Increment(ref _backlogSamples);
            if (waiting < cap)
            {
                Volatile.Read(ref _room).TrySetResult();
            }
            else if (Volatile.Read(ref _room).Task.IsCompleted)
            {
                Volatile.Write(ref _room, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            await Task.Delay(Recheck, CancellationToken.None);
        }

        Volatile.Read(ref _room).TrySetResult(); // let waiting publishers see the stop
    }

    private async Task WorkAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Volatile.Read(ref _room).Task;
            if (stop.IsCancellationRequested)
            {
                return;
            }

            var (txn, body) = plan(Interlocked.Increment(ref _next));
            // The publish in flight finishes even when the load stops, so its SETs are counted as expected.
            var outcome = await publisher.PublishAsync(txn, body, retry, CancellationToken.None);
            if (outcome.Accepted)
            {
                Interlocked.Increment(ref _accepted);
            }
            else
            {
                Interlocked.Increment(ref _rejected);
            }
        }
    }
}
