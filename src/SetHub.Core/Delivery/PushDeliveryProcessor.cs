using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SetHub.Core.Storage;

namespace SetHub.Core.Delivery;

/// <summary>
/// Delivers one claimed push stream (RFC 8935): its oldest SETs, in order, until one fails. A retryable failure
/// stops the batch and puts the whole stream into backoff, so a dead receiver is retried gently and in order; a
/// permanent rejection dead-letters that SET and the batch goes on; a SET older than MaxDeliveryAge is
/// dead-lettered without another attempt. Every outcome of the batch is recorded in one transaction.
/// </summary>
/// <remarks>
/// <para>The stream is read from the store itself (<see cref="IStreamStore.GetStreamAsync"/> is never cached): an endpoint
/// or secret changed on another node a moment ago is the one used.</para>
/// <para>Before every push but the batch's first, the store confirms the SET is still in the push lane, the stream
/// unchanged and the lease held (<see cref="IPushDeliveryStore.CanSendAsync"/>): a stream paused, disabled, deleted
/// or re-pointed through any node stops receiving within one request (SSF 1.0 §8.1.2.1: a paused or disabled stream
/// MUST NOT transmit), and a node whose lease ran out never pushes beside the node that took the stream over.</para>
/// <para>A batch also ends after <see cref="DeliveryOptions.StreamTimeSlice"/>, so receivers that answer slowly take
/// turns with every other due stream instead of holding a delivery slot for a whole batch.</para>
/// <para>Any unexpected error counts as a failed attempt with backoff, so nothing can spin.</para>
/// </remarks>
public sealed partial class PushDeliveryProcessor(
    IStreamStore streams,
    IPushDeliveryStore queue,
    IPushTransport transport,
    IOptions<DeliveryOptions> options,
    TimeProvider timeProvider,
    Random random,
    ILogger<PushDeliveryProcessor> logger)
{
    /// <summary>Processes one claimed stream and releases its lease.</summary>
    /// <returns>When the stream is due next, or <see langword="null"/>.</returns>
    public async Task<DateTimeOffset?> ProcessAsync(ClaimedStream claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var settings = options.Value;
        var delivered = new List<string>();
        var rejected = new List<(string, string)>();
        var expired = new List<(string, string)>();
        (string Jti, string Error)? failed = null;
        DateTimeOffset? retryAt = null;
        var unfinished = false;

        try
        {
            var started = timeProvider.GetUtcNow();
            var stream = await streams.GetStreamAsync(claim.TenantId, claim.StreamId, cancellationToken);
            var pending = stream is { Delivery.IsPush: true }
                ? await queue.GetPushSetsAsync(claim.TenantId, claim.StreamId, settings.StreamBatchSize, cancellationToken)
                : [];

            var sent = 0;
            foreach (var set in pending)
            {
                var now = timeProvider.GetUtcNow();
                if (now - set.QueuedAt >= settings.MaxDeliveryAge)
                {
                    expired.Add((set.Jti, set.LastError is null
                        ? "expired: not delivered within the maximum delivery age"
                        : $"expired: not delivered within the maximum delivery age; last error: {set.LastError}"));
                    continue;
                }

                // Hand the stream back (due again at once) when its time slice is used up, or when the lease could
                // end before the request does: a margin of one RequestTimeout absorbs clock skew between nodes.
                var sendDeadline = now + (settings.RequestTimeout * 2);
                if ((sent > 0 && now - started >= settings.StreamTimeSlice) || sendDeadline >= claim.LeaseUntil)
                {
                    unfinished = true;
                    break;
                }

                if (sent > 0 && !await queue.CanSendAsync(claim, set.Jti, stream!.Version, sendDeadline, cancellationToken))
                {
                    // Paused, disabled, deleted, re-pointed, or the lease was lost: stop, and let the release
                    // reschedule whatever push work is left under the stream as it is now.
                    LogStopped(logger, claim.TenantId, claim.StreamId);
                    unfinished = true;
                    break;
                }

                sent++;
                var outcome = PushOutcome.Classify(await transport.SendAsync(stream!.Delivery.EndpointUrl, stream.Delivery.AuthorizationHeader, set.Token, cancellationToken));
                if (outcome.Kind == PushOutcomeKind.Delivered)
                {
                    delivered.Add(set.Jti);
                    continue;
                }

                if (outcome.Kind == PushOutcomeKind.Rejected)
                {
                    LogRejected(logger, claim.TenantId, claim.StreamId, set.Jti, outcome.Error!);
                    rejected.Add((set.Jti, outcome.Error!));
                    continue;
                }

                failed = (set.Jti, outcome.Error!);
                retryAt = Backoff(claim, outcome.RetryAfter, settings);
                LogRetry(logger, claim.TenantId, claim.StreamId, set.Jti, outcome.Error!, claim.Failures + 1, retryAt.Value);
                break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: record what happened so far and hand the stream back at once.
            unfinished = true;
        }
        catch (Exception exception)
        {
            // A bug or a broken record (a secret that no longer decrypts): back off like any failure, never spin.
            retryAt = Backoff(claim, retryAfter: null, settings);
            LogUnexpected(logger, claim.TenantId, claim.StreamId, retryAt.Value, exception);
        }

        return await ReleaseAsync(
            new PushBatchResult(claim, delivered, rejected, expired, failed, retryAt, timeProvider.GetUtcNow(), unfinished),
            cancellationToken);
    }

    /// <summary>
    /// Records the batch, retrying while the lease holds: a release lost to a database blip would otherwise leave the
    /// stream idle until its lease expires and resend every SET of the batch. One that lands after another node took
    /// the stream over still records what happened to this batch's SETs, but leaves the stream's schedule alone.
    /// </summary>
    private async Task<DateTimeOffset?> ReleaseAsync(PushBatchResult result, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await queue.ReleaseAsync(result with { Now = timeProvider.GetUtcNow() }, CancellationToken.None);
            }
            catch (Exception exception) when (exception is not OperationCanceledException &&
                                              !stoppingToken.IsCancellationRequested &&
                                              timeProvider.GetUtcNow() + delay < result.Stream.LeaseUntil)
            {
                LogReleaseRetry(logger, result.Stream.TenantId, result.Stream.StreamId, delay, exception);
                await Task.Delay(delay, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = delay * 2 < MaxReleaseRetryDelay ? delay * 2 : MaxReleaseRetryDelay;
            }
        }
    }

    private static readonly TimeSpan MaxReleaseRetryDelay = TimeSpan.FromSeconds(10);

    private DateTimeOffset Backoff(ClaimedStream claim, TimeSpan? retryAfter, DeliveryOptions settings) =>
        timeProvider.GetUtcNow() + RetrySchedule.NextDelay(claim.Failures + 1, settings, random, retryAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push to stream {TenantId}/{StreamId} rejected SET {Jti} for good: {Error}. It is dead-lettered.")]
    private static partial void LogRejected(ILogger logger, string tenantId, string streamId, string jti, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Push to stream {TenantId}/{StreamId} failed for SET {Jti}: {Error}. Failure {Failures}; retrying at {RetryAt:O}.")]
    private static partial void LogRetry(ILogger logger, string tenantId, string streamId, string jti, string error, int failures, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Push batch of stream {TenantId}/{StreamId} stopped: the stream changed or the lease ended.")]
    private static partial void LogStopped(ILogger logger, string tenantId, string streamId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the push batch of stream {TenantId}/{StreamId}; trying again in {Delay}.")]
    private static partial void LogReleaseRetry(ILogger logger, string tenantId, string streamId, TimeSpan delay, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Push delivery of stream {TenantId}/{StreamId} failed unexpectedly; retrying at {RetryAt:O}.")]
    private static partial void LogUnexpected(ILogger logger, string tenantId, string streamId, DateTimeOffset retryAt, Exception exception);
}
