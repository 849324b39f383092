using System.Text.Json;
using Microsoft.Extensions.Options;
using SetHub.Core.Caching;
using SetHub.Core.Results;
using SetHub.Core.Security;
using SetHub.Core.Storage;
using SetHub.Core.Streams;

namespace SetHub.Core.Delivery;

/// <summary>RFC 8936 poll delivery for one stream, including long polling (§2.2).</summary>
public sealed class PollService(
    IStreamStore streams,
    IStreamCache streamCache,
    ISetStore sets,
    IDeliverySignals signals,
    IOptions<PollOptions> options,
    TimeProvider timeProvider,
    Random random)
{
    /// <summary>
    /// Handles one poll: acknowledgements and errors first, then up to <c>maxEvents</c> of the oldest due SETs
    /// (RFC 8936 §2.4). With <c>returnImmediately</c> false and nothing to return, the request is held until a SET is
    /// queued or <see cref="PollOptions.LongPollTimeout"/> passes (§2.2, R51, R53); a held request costs no thread.
    /// Held (paused-stream) SETs are never returned; control SETs always are (SSF 1.0 §8.1.2.1).
    /// </summary>
    public async Task<Result<PollBatch>> PollAsync(Caller caller, string streamId, JsonElement body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var request = PollRequest.Parse(body);
        if (!request.IsSuccess)
        {
            return request.Error;
        }

        // Polls are the hot path: the configuration comes from the cache. A change made on another node a moment ago
        // cannot leak SETs: lanes and deletions are applied in the store, which the poll itself reads.
        var stream = await streamCache.GetCachedStreamAsync(caller.TenantId!, streamId, cancellationToken);
        if (stream is null || stream.ReceiverId != caller.ReceiverId || stream.Delivery.Method != SsfConstants.DeliveryMethods.Poll)
        {
            return OperationError.NotFound($"No poll stream '{streamId}' for this receiver.");
        }

        // SSF 1.0 §8.1.1: polling is receiver activity that restarts the inactivity timeout.
        await StreamActivity.RecordAsync(streams, stream, timeProvider.GetUtcNow(), cancellationToken);

        var settings = options.Value;
        var maxEvents = Math.Min(request.Value.MaxEvents ?? int.MaxValue, settings.MaxEventsPerResponse);
        if (request.Value.ReturnImmediately)
        {
            return await sets.PollAsync(stream.TenantId, stream.StreamId, Query(request.Value.Acks, request.Value.Errors, maxEvents, settings), cancellationToken);
        }

        var deadline = timeProvider.GetUtcNow() + settings.LongPollTimeout;
        var (acks, errors) = (request.Value.Acks, request.Value.Errors);
        var first = true; // the first look always polls: it applies the acknowledgements
        while (true)
        {
            // Listen before looking, so a SET queued while the store is read still wakes this poll.
            var remaining = deadline - timeProvider.GetUtcNow();
            remaining = remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
            var recheck = settings.RecheckInterval * (0.8 + (random.NextDouble() * 0.4));
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var announced = signals.WaitForStreamAsync(stream.TenantId, stream.StreamId, remaining < recheck ? remaining : recheck, stopWaiting.Token);
            try
            {
                // Later looks read before they write: a periodic re-check, or a node waking all its waiters after its
                // listener reconnected, costs one read per waiter, not a write transaction.
                if (first || remaining <= TimeSpan.Zero ||
                    await sets.HasDueAsync(stream.TenantId, stream.StreamId, timeProvider.GetUtcNow(), cancellationToken))
                {
                    var batch = await sets.PollAsync(stream.TenantId, stream.StreamId, Query(acks, errors, maxEvents, settings), cancellationToken);
                    (acks, errors) = ([], new Dictionary<string, SetError>()); // acknowledged once
                    if (HasAnswer(batch, maxEvents) || remaining <= TimeSpan.Zero)
                    {
                        return batch;
                    }
                }

                first = false;
                await announced;
            }
            finally
            {
                await stopWaiting.CancelAsync();
                await ((Task)announced).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    // An acknowledge-only long poll (maxEvents 0) answers once SETs are available (R53).
    private static bool HasAnswer(PollBatch batch, int maxEvents) => batch.Sets.Count > 0 || (maxEvents == 0 && batch.MoreAvailable);

    private PollQuery Query(IReadOnlyList<string> acks, IReadOnlyDictionary<string, SetError> errors, int maxEvents, PollOptions settings)
    {
        var now = timeProvider.GetUtcNow();
        return new PollQuery(acks, errors, maxEvents, now, now + settings.RedeliveryInterval);
    }
}
