using System.Text.Json;
using Microsoft.Extensions.Options;
using SetHub.Core.Results;
using SetHub.Core.Security;
using SetHub.Core.Storage;
using SetHub.Core.Streams;

namespace SetHub.Core.Delivery;

/// <summary>RFC 8936 poll delivery for one stream.</summary>
public sealed class PollService(IStreamStore streams, ISetStore sets, IOptions<PollOptions> options, TimeProvider timeProvider)
{
    /// <summary>
    /// Handles one poll: acknowledgements and errors first, then up to <c>maxEvents</c> of the oldest due SETs
    /// (RFC 8936 §2.4). A stream that is not enabled returns only control SETs (verification, stream-updated), and
    /// holds the rest (SSF 1.0 §8.1.2.1).
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

        var settings = options.Value;
        var now = timeProvider.GetUtcNow();
        var query = new PollQuery(
            request.Value.Acks,
            request.Value.Errors,
            Math.Min(request.Value.MaxEvents ?? int.MaxValue, settings.MaxEventsPerResponse),
            ControlOnly: stream.Status != StreamStatus.Enabled,
            now,
            now + settings.RedeliveryInterval);
        return await sets.PollAsync(stream.TenantId, stream.StreamId, query, cancellationToken);
    }
}
