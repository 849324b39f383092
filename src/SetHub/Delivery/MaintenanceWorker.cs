using Microsoft.Extensions.Options;
using SetHub.Core.Delivery;
using SetHub.Core.Storage;
using SetHub.Core.Streams;

namespace SetHub.Delivery;

/// <summary>
/// Periodic upkeep: dead-letters SETs older than <see cref="DeliveryOptions.MaxDeliveryAge"/> in every lane (a poll
/// stream nobody polls, a stream paused for too long), and pauses streams whose <c>inactivity_timeout</c> expired.
/// Each step is a conditional update, safe to run on every node at once.
/// </summary>
internal sealed partial class MaintenanceWorker(
    ISetStore sets,
    StreamLifecycle lifecycle,
    IOptions<DeliveryOptions> options,
    TimeProvider timeProvider,
    ILogger<MaintenanceWorker> logger) : BackgroundService
{
    private const int BatchSize = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int expired;
                do
                {
                    expired = await sets.ExpireAsync(timeProvider.GetUtcNow() - options.Value.MaxDeliveryAge, BatchSize, stoppingToken);
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
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // Upkeep is idempotent: whatever failed is tried again next round. The node keeps serving.
                LogStoreError(logger, exception);
            }

            await Task.Delay(options.Value.MaintenanceInterval, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered {Count} SETs not delivered within the maximum delivery age.")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Paused {Count} streams after their inactivity timeout.")]
    private static partial void LogPaused(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Maintenance failed; it will try again.")]
    private static partial void LogStoreError(ILogger logger, Exception exception);
}
