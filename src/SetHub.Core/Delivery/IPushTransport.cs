namespace SetHub.Core.Delivery;

/// <summary>What a push attempt got back: an HTTP answer, or a transport failure.</summary>
/// <param name="StatusCode">The HTTP status, or <see langword="null"/> when no answer came.</param>
/// <param name="ErrorCode">The RFC 8935 §2.3 <c>err</c> of a 400 answer, when its body had one.</param>
/// <param name="Description">The <c>description</c> of a 400 answer, or the transport failure.</param>
/// <param name="RetryAfter">The <c>Retry-After</c> of a 429 or 503 answer.</param>
public sealed record PushResponse(int? StatusCode, string? ErrorCode = null, string? Description = null, TimeSpan? RetryAfter = null)
{
    /// <summary>No answer: a network error, refused address or timeout.</summary>
    public static PushResponse TransportFailure(string description) => new(null, null, description);
}

/// <summary>Sends one SET to a push endpoint (RFC 8935 §2).</summary>
public interface IPushTransport
{
    /// <summary>POSTs <paramref name="token"/> to <paramref name="endpointUrl"/>, with <paramref name="authorizationHeader"/>
    /// as the Authorization header when set. Never throws for network failures: they become
    /// <see cref="PushResponse.TransportFailure"/>.</summary>
    Task<PushResponse> SendAsync(string endpointUrl, string? authorizationHeader, string token, CancellationToken cancellationToken);
}
