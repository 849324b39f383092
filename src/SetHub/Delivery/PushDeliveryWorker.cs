using Microsoft.Extensions.Options;
using SetHub.Core.Delivery;
using SetHub.Core.Storage;
using SetHub.Hosting;

namespace SetHub.Delivery;

/// <summary>
/// Claims due push streams and delivers each on its own task, up to
/// <see cref="DeliveryOptions.MaxConcurrentStreams"/> at once. The claim loop never waits for a slow stream: a
/// hanging receiver occupies one slot until its request times out, and every other stream keeps flowing (no
/// head-of-line blocking between streams). Idle, it sleeps until the next due time or a push announcement.
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
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var slots = new SemaphoreSlim(settings.MaxConcurrentStreams);
        var running = new HashSet<Task>();

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stoppingToken);
                slots.Release();
                var free = slots.CurrentCount;
                var now = timeProvider.GetUtcNow();
                var claimed = await queue.ClaimStreamsAsync(node.Name, free, now, now + settings.LeaseDuration, stoppingToken);
                foreach (var stream in claimed)
                {
                    await slots.WaitAsync(stoppingToken);
                    var task = DeliverAsync(stream, slots, stoppingToken);
                    running.Add(task);
                }

                running.RemoveWhere(task => task.IsCompleted);
                if (claimed.Count < free)
                {
                    await SleepUntilDueAsync(settings, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                // The store is unreachable: nothing is lost (work stays queued), so wait and try again.
                LogStoreError(logger, exception);
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
            await processor.ProcessAsync(stream, node.Name, stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The lease expires and the stream is retried by this or another node.
            LogStreamError(logger, stream.TenantId, stream.StreamId, exception);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task SleepUntilDueAsync(DeliveryOptions settings, CancellationToken stoppingToken)
    {
        var wait = settings.IdleRecheckInterval;
        if (await queue.NextDueAsync(stoppingToken) is { } due)
        {
            var untilDue = due - timeProvider.GetUtcNow();
            wait = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue < wait ? untilDue : wait;
        }

        if (wait > TimeSpan.Zero)
        {
            await signals.WaitForPushWorkAsync(wait, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push delivery could not reach the store; retrying.")]
    private static partial void LogStoreError(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Push delivery of stream {TenantId}/{StreamId} failed unexpectedly; its lease will expire and it will be retried.")]
    private static partial void LogStreamError(ILogger logger, string tenantId, string streamId, Exception exception);
}
