using SetHub.Core.Results;

namespace SetHub.Core.Streams;

/// <summary>Decides whether a push <c>endpoint_url</c> may be used: checked when a stream is created or changed, and
/// again at every connection, since DNS answers change.</summary>
public interface IPushEndpointPolicy
{
    /// <summary>Returns the reason <paramref name="endpointUrl"/> is refused, or <see langword="null"/>.</summary>
    Task<OperationError?> CheckAsync(string endpointUrl, CancellationToken cancellationToken);
}
