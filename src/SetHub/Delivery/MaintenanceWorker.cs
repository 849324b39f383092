using Microsoft.Extensions.Options;
using SetHub.Core.Delivery;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Hosting;

namespace SetHub.Delivery;

/// <summary>
/// Periodic upkeep: dead-letters SETs older than <see cref="DeliveryOptions.MaxDeliveryAge"/> in every lane (a poll
/// stream nobody polls, a stream paused for too long), and pauses streams whose <c>inactivity_timeout</c> expired.
/// Every node looks once per <see cref="DeliveryOptions.MaintenanceInterval"/>, but the work is a shared timer claimed
/// with a lease (<see cref="ITimerStore"/>): one node does each round, and if it dies another takes over when the
/// lease expires. Each step is also a conditional update, so even overlapping rounds would do no harm.
/// </summary>
internal sealed partial class MaintenanceWorker(
    ISetStore sets,
    StreamLifecycle lifecycle,
    ITimerStore timers,
    NodeIdentity node,
    IOptions<DeliveryOptions> options,
    TimeProvider timeProvider,
    Random random,
    ILogger<MaintenanceWorker> logger) : BackgroundService
{
    /// <summary>The shared timer's name.</summary>
    public const string TimerName = "upkeep";

    private const int BatchSize = 1000;

    // A round normally takes a fraction of the interval; a node that dies mid-round delays upkeep by this many rounds.
    private const int LeaseRounds = 6;
    private long _rounds;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var owner = $"{node.Name}/{++_rounds}";
                var now = timeProvider.GetUtcNow();
                if (await timers.TryClaimAsync(TimerName, owner, now, now + (settings.MaintenanceInterval * LeaseRounds), stoppingToken))
                {
                    try
                    {
                        await RunAsync(settings, stoppingToken);
                    }
                    finally
                    {
                        await timers.CompleteAsync(TimerName, owner, timeProvider.GetUtcNow() + settings.MaintenanceInterval, CancellationToken.None);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // Upkeep is idempotent: whatever failed is tried again next round. The node keeps serving.
                LogStoreError(logger, exception);
            }

            // A little jitter keeps the nodes of a cluster from all asking at the same instant.
            var wait = settings.MaintenanceInterval * (0.9 + (random.NextDouble() * 0.2));
            await Task.Delay(wait, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunAsync(DeliveryOptions settings, CancellationToken stoppingToken)
    {
        int expired;
        do
        {
            expired = await sets.ExpireAsync(timeProvider.GetUtcNow() - settings.MaxDeliveryAge, BatchSize, stoppingToken);
            if (expired > 0)
            {
                LogExpired(logger, expired);
            }
        }
        while (expired == BatchSize);

        var paused = await lifecycle.PauseInactiveStreamsAsync(BatchSize, stoppingToken);
        if (paused > 0)
        {
            LogPaused(logger, paused);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered {Count} SETs not delivered within the maximum delivery age.")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Paused {Count} streams after their inactivity timeout.")]
    private static partial void LogPaused(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Maintenance failed; it will try again.")]
    private static partial void LogStoreError(ILogger logger, Exception exception);
}
