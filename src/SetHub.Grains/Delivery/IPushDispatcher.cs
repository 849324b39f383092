using SetHub.Core.Storage;

namespace SetHub.Grains.Delivery;

/// <summary>A push a stream grain hands to its silo: the request is made outside the grain's turn, and the outcome
/// comes back as <see cref="Streams.IStreamGrain.RecordPushOutcome"/> tagged with what the grain handed out.</summary>
/// <param name="Stream">The stream.</param>
/// <param name="Epoch">The handing activation's epoch.</param>
/// <param name="ConfigVersion">The stream version whose endpoint and secret these are.</param>
/// <param name="Position">The SET's position.</param>
/// <param name="EndpointUrl">Where to POST it (RFC 8935 §2).</param>
/// <param name="AuthorizationHeader">The <c>Authorization</c> value to send, if any (SSF 1.0 §6.1.1).</param>
/// <param name="Token">The compact SET.</param>
public sealed record PushRequest(
    StreamKey Stream,
    long Epoch,
    long ConfigVersion,
    long Position,
    string EndpointUrl,
    string? AuthorizationHeader,
    string Token);

/// <summary>The silo's push sender.</summary>
public interface IPushDispatcher
{
    /// <summary>Queues a push; never blocks and never fails (a full or stopping sender drops it, and the stream,
    /// hearing nothing, retries after its backoff).</summary>
    void Dispatch(PushRequest request);
}
