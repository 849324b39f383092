using SetHub.Core.Delivery;
using SetHub.Core.Results;
using SetHub.Core.Storage;

namespace SetHub.Core.Streams;

/// <summary>
/// Status changes the transmitter makes on its own (SSF 1.0 §8.1.2, §8.1.5): by an operator, or when a stream's
/// <c>inactivity_timeout</c> expires. Each one queues a stream-updated SET in the same transaction as the change —
/// before the stream stops when it leaves enabled, and upon re-enabling when it returns (R118).
/// </summary>
public sealed partial class StreamLifecycle(
    IStreamStore streams,
    SetIssuer issuer,
    IDeliverySignals signals,
    TimeProvider timeProvider,
    Microsoft.Extensions.Logging.ILogger<StreamLifecycle> logger)
{
    /// <summary>The reason given when SetHub pauses a stream whose receiver went quiet.</summary>
    public const string InactivityReason = "inactivity_timeout";

    private const int MaxConcurrentUpdateAttempts = 5;

    /// <summary>Sets a stream's status on the transmitter's initiative and announces it to the receiver.</summary>
    public async Task<Result<EventStream>> ChangeStatusAsync(
        string tenantId, string streamId, StreamStatus status, string? reason, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < MaxConcurrentUpdateAttempts; attempt++)
        {
            var current = await streams.GetStreamAsync(tenantId, streamId, cancellationToken);
            if (current is null)
            {
                return OperationError.NotFound($"No stream '{streamId}' in tenant '{tenantId}'.");
            }

            if (current.Status == status && current.StatusReason == reason)
            {
                return current; // nothing changes, so there is nothing to announce
            }

            var (next, announcement) = await PrepareAsync(current, status, reason, cancellationToken);
            if (await streams.UpdateStreamAsync(next, current.Version, announcement is null ? null : [announcement], cancellationToken))
            {
                signals.Announce(next); // re-enabling or announcing may have released SETs
                return next;
            }
        }

        return OperationError.Conflict("The stream is being changed by other requests; try again.");
    }

    /// <summary>
    /// Pauses up to <paramref name="limit"/> enabled streams whose receiver showed no activity for longer than their
    /// <c>inactivity_timeout</c> (SSF 1.0 §8.1.1); SetHub pauses rather than disables or deletes, so nothing is lost.
    /// </summary>
    /// <returns>How many streams were paused.</returns>
    public async Task<int> PauseInactiveStreamsAsync(int limit, CancellationToken cancellationToken = default)
    {
        var paused = 0;
        foreach (var stream in await streams.ListInactiveStreamsAsync(timeProvider.GetUtcNow(), limit, cancellationToken))
        {
            try
            {
                // R118: the stream-updated SET is queued with the change, before the stream stops. The store pauses
                // only if the receiver is still inactive; otherwise the next round looks again.
                var (next, announcement) = await PrepareAsync(stream, StreamStatus.Paused, InactivityReason, cancellationToken);
                if (await streams.PauseInactiveStreamAsync(next, stream.Version, announcement!, next.UpdatedAt, cancellationToken))
                {
                    signals.Announce(next);
                    paused++;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One broken stream (say, a signing key that no longer decrypts) must not stop the others' upkeep.
                LogPauseFailed(logger, stream.TenantId, stream.StreamId, exception);
            }
        }

        return paused;
    }

    // The stream as it will be, and its stream-updated SET when the status changes (SSF 1.0 §8.1.5).
    private async Task<(EventStream Next, QueuedSet? Announcement)> PrepareAsync(
        EventStream current, StreamStatus status, string? reason, CancellationToken cancellationToken)
    {
        var next = current with { Status = status, StatusReason = reason, UpdatedAt = timeProvider.GetUtcNow(), Version = current.Version + 1 };
        var announcement = current.Status == status ? null : await issuer.SignStreamUpdatedAsync(current, status, reason, cancellationToken);
        return (next, announcement);
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Error, Message = "Could not pause the inactive stream {TenantId}/{StreamId}.")]
    private static partial void LogPauseFailed(Microsoft.Extensions.Logging.ILogger logger, string tenantId, string streamId, Exception exception);
}
