using System.Text.Json;
using Microsoft.Extensions.Options;
using SetHub.Core.Results;
using SetHub.Core.Security;
using SetHub.Core.Storage;
using SetHub.Core.Streams;

namespace SetHub.Core.Delivery;

/// <summary>RFC 8936 poll delivery for one stream, including long polling (§2.2).</summary>
public sealed class PollService(
    IStreamStore streams,
    ISetStore sets,
    IDeliverySignals signals,
    IOptions<PollOptions> options,
    TimeProvider timeProvider)
{
    // Signals are hints: a waiting poll also looks again this often, for SETs that became due again (redelivery) or
    // were queued on another node whose signal did not arrive.
    private static readonly TimeSpan SafetyRecheck = TimeSpan.FromSeconds(5);

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

        var stream = await streams.GetStreamAsync(caller.TenantId!, streamId, cancellationToken);
        if (stream is null || stream.ReceiverId != caller.ReceiverId || stream.Delivery.Method != SsfConstants.DeliveryMethods.Poll)
        {
            return OperationError.NotFound($"No poll stream '{streamId}' for this receiver.");
        }

        // SSF 1.0 §8.1.1: polling is receiver activity that restarts the inactivity timeout.
        await StreamActivity.RecordAsync(streams, stream, timeProvider.GetUtcNow(), cancellationToken);

        var settings = options.Value;
        var maxEvents = Math.Min(request.Value.MaxEvents ?? int.MaxValue, settings.MaxEventsPerResponse);
        var batch = await sets.PollAsync(stream.TenantId, stream.StreamId, Query(request.Value.Acks, request.Value.Errors, maxEvents, settings), cancellationToken);
        if (request.Value.ReturnImmediately || HasAnswer(batch, maxEvents))
        {
            return batch;
        }

        var deadline = timeProvider.GetUtcNow() + settings.LongPollTimeout;
        while (timeProvider.GetUtcNow() < deadline)
        {
            var remaining = deadline - timeProvider.GetUtcNow();
            await signals.WaitForStreamAsync(stream.TenantId, stream.StreamId, remaining < SafetyRecheck ? remaining : SafetyRecheck, cancellationToken);
            batch = await sets.PollAsync(stream.TenantId, stream.StreamId, Query([], new Dictionary<string, SetError>(), maxEvents, settings), cancellationToken);
            if (HasAnswer(batch, maxEvents))
            {
                return batch;
            }
        }

        return batch;
    }

    // An acknowledge-only long poll (maxEvents 0) answers once SETs are available (R53).
    private static bool HasAnswer(PollBatch batch, int maxEvents) => batch.Sets.Count > 0 || (maxEvents == 0 && batch.MoreAvailable);

    private PollQuery Query(IReadOnlyList<string> acks, IReadOnlyDictionary<string, SetError> errors, int maxEvents, PollOptions settings)
    {
        var now = timeProvider.GetUtcNow();
        return new PollQuery(acks, errors, maxEvents, now, now + settings.RedeliveryInterval);
    }
}
