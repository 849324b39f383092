namespace SetHub.Bench.Load;

/// <summary>
/// Saturating load: publishers send as fast as the hub accepts, but only while fewer than <c>cap</c> accepted SETs
/// wait for delivery. Publishing is far cheaper than delivery, so without the cap the queue would grow for the whole
/// window and take minutes to drain; with it, the hub always has work (the cap is several SETs per stream) and the
/// measured rate is the delivery rate it sustains.
/// </summary>
public sealed class BacklogCappedLoad(Publisher publisher, PublishPlan plan, Func<long> backlog, long cap, int workers, bool retry)
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(2);
    private long _next = -1;
    private long _accepted;
    private long _rejected;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Publishes until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, workers).Select(_ => WorkAsync(stop)));

    private async Task WorkAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (backlog() >= cap)
            {
                await Task.Delay(Pause, CancellationToken.None);
                continue;
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
