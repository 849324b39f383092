using SetHub.Core.Events;
using SetHub.Core.Storage;

namespace SetHub.Publishing;

/// <summary>Deletes Idempotency-Key records past their retention, once an hour on every node (a repeated purge
/// deletes nothing more, so nodes need not agree on who does it).</summary>
internal sealed partial class IdempotencyKeyPurge(IIdempotencyStore store, TimeProvider time, ILogger<IdempotencyKeyPurge> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await store.PurgeAsync(time.GetUtcNow() - IdempotencyKeys.Retention, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogPurgeFailed(logger, exception); // the next tick tries again; expired records are ignored meanwhile
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging expired Idempotency-Key records failed; retrying in an hour.")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
