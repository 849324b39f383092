using Microsoft.Extensions.Options;
using SetHub.Core.Delivery;
using SetHub.Core.Storage;
using SetHub.Hosting;

namespace SetHub.Delivery;

/// <summary>
/// Claims due push streams and delivers each on its own task, up to
/// <see cref="DeliveryOptions.MaxConcurrentStreams"/> at once. The claim loop never waits for a slow stream: a
/// hanging receiver occupies one slot until its request times out, and every other stream keeps flowing (no
/// head-of-line blocking between streams). Idle, it sleeps until the next due time, a push announcement, or one of
/// its own streams finishing a batch with more to send.
/// </summary>
internal sealed partial class PushDeliveryWorker(
    IPushDeliveryStore queue,
    PushDeliveryProcessor processor,
    IDeliverySignals signals,
    NodeIdentity node,
    IOptions<DeliveryOptions> options,
    TimeProvider timeProvider,
    ILogger<PushDeliveryWorker> logger) : BackgroundService
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(50);

    private readonly Lock _gate = new();
    private TaskCompletionSource _batchDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _claims;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var slots = new SemaphoreSlim(settings.MaxConcurrentStreams);
        var running = new HashSet<Task>();

        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<ClaimedStream> claimed = [];
            var started = 0;
            try
            {
                await slots.WaitAsync(stoppingToken);
                slots.Release();

                // Listen before looking, so an announcement that arrives while the store is queried is not lost.
                var announced = signals.WaitForPushWorkAsync(settings.IdleRecheckInterval, stoppingToken);
                var finished = BatchDone();
                var free = slots.CurrentCount;
                var now = timeProvider.GetUtcNow();
                claimed = await queue.ClaimStreamsAsync($"{node.Name}/{++_claims}", free, now, now + settings.LeaseDuration, stoppingToken);
                foreach (var stream in claimed)
                {
                    await slots.WaitAsync(stoppingToken);
                    running.Add(DeliverAsync(stream, slots, stoppingToken));
                    started++;
                }

                running.RemoveWhere(task => task.IsCompleted);
                if (claimed.Count < free)
                {
                    await SleepUntilDueAsync(announced, finished, settings, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                await ReleaseUnstartedAsync(claimed.Skip(started));
                break;
            }
            catch (Exception exception)
            {
                // Most likely the store is unreachable. Nothing is lost (work stays queued), so wait and try again.
                LogLoopError(logger, exception);
                await ReleaseUnstartedAsync(claimed.Skip(started));
                await Task.Delay(settings.IdleRecheckInterval, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        await Task.WhenAll(running);
    }

    private async Task DeliverAsync(ClaimedStream stream, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var next = await processor.ProcessAsync(stream, stoppingToken);
            if (next <= timeProvider.GetUtcNow())
            {
                SignalBatchDone(); // more to send now: claim again without waiting for the next look
            }
        }
        catch (Exception exception)
        {
            // The release itself failed (the store is unreachable): the lease expires and the stream is taken over.
            LogStreamError(logger, stream.TenantId, stream.StreamId, exception);
        }
        finally
        {
            slots.Release();
        }
    }

    // Claims that got no task (shutdown, or an error mid-loop) are handed back at once rather than left to expire.
    private async Task ReleaseUnstartedAsync(IEnumerable<ClaimedStream> claims)
    {
        foreach (var claim in claims)
        {
            try
            {
                await queue.ReleaseAsync(PushBatchResult.Untouched(claim, timeProvider.GetUtcNow()), CancellationToken.None);
            }
            catch (Exception exception)
            {
                LogStreamError(logger, claim.TenantId, claim.StreamId, exception);
            }
        }
    }

    private async Task SleepUntilDueAsync(Task announced, Task finished, DeliveryOptions settings, CancellationToken stoppingToken)
    {
        var wait = settings.IdleRecheckInterval;
        if (await queue.NextDueAsync(stoppingToken) is { } due)
        {
            // A stream that is due but was not claimed is being claimed by another node right now (its row was
            // skipped as locked): look again shortly rather than at once, or this loop would spin until that commits.
            var untilDue = due - timeProvider.GetUtcNow();
            wait = untilDue < MinimumWait ? MinimumWait : untilDue < wait ? untilDue : wait;
        }

        await Task.WhenAny(announced, finished, Task.Delay(wait, timeProvider, stoppingToken));
    }

    private Task BatchDone()
    {
        lock (_gate)
        {
            return _batchDone.Task;
        }
    }

    private void SignalBatchDone()
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            done = _batchDone;
            _batchDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.TrySetResult();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The push delivery loop failed; retrying.")]
    private static partial void LogLoopError(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Push delivery of stream {TenantId}/{StreamId} could not be recorded; its lease will expire and it will be retried.")]
    private static partial void LogStreamError(ILogger logger, string tenantId, string streamId, Exception exception);
}
