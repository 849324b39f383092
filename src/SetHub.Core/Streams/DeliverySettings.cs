namespace SetHub.Core.Streams;

/// <summary>A stream's <c>delivery</c> object (SSF 1.0 §6.1, §8.1.1).</summary>
/// <param name="Method"><c>urn:ietf:rfc:8935</c> (push) or <c>urn:ietf:rfc:8936</c> (poll).</param>
/// <param name="EndpointUrl">For push, the receiver's URL; for poll, the URL SetHub assigned.</param>
/// <param name="AuthorizationHeader">For push, the <c>Authorization</c> value to send verbatim (SSF 1.0 §6.1.1); a
/// secret, encrypted at rest and redacted in every response.</param>
public sealed record DeliverySettings(string Method, string EndpointUrl, string? AuthorizationHeader = null)
{
    /// <summary>Whether this is RFC 8935 push delivery.</summary>
    public bool IsPush => Method == SsfConstants.DeliveryMethods.Push;
}
