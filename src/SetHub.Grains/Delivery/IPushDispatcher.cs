using SetHub.Core.Storage;

namespace SetHub.Grains.Delivery;

/// <summary>A push a stream grain hands to its silo's sender: the request is made outside the grain's turn.</summary>
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

/// <summary>
/// The silo's push sender. The outcome comes back in-process to the very activation that handed the SET out (the
/// sender runs on its silo), never through a grain call that, while membership changes, could reach another
/// activation of the stream and leave this one waiting.
/// </summary>
public interface IPushDispatcher
{
    /// <summary>Sends a push when a sender is free; the task never faults: a network failure, a timeout or a sender
    /// that is stopping is a retryable outcome.</summary>
    Task<Core.Delivery.PushOutcome> SendAsync(PushRequest request);
}
