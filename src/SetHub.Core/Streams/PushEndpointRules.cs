using SetHub.Core.Results;

namespace SetHub.Core.Streams;

/// <summary>Shape checks on a push <c>endpoint_url</c> (SSF 1.0 §6.1.1): an absolute http(s) URL without
/// credentials or fragment. Whether its address may be reached is the delivery side's decision.</summary>
public static class PushEndpointRules
{
    /// <summary>Returns the error for an unacceptable URL, or <see langword="null"/> when it is acceptable.</summary>
    public static OperationError? Validate(string? endpointUrl)
    {
        if (string.IsNullOrEmpty(endpointUrl))
        {
            return OperationError.Invalid("Push delivery requires 'delivery.endpoint_url' (SSF 1.0 §6.1.1).");
        }

        // Uri parsing trims surrounding whitespace and drops some control characters, so a URL stored with them would not
        // be the URL pushed to: refuse them instead (RFC 3986 §2 has no place for either).
        if (endpointUrl.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return OperationError.Invalid("'delivery.endpoint_url' must not contain whitespace or control characters.");
        }

        if (endpointUrl.Length > StreamRequest.MaxUrlLength ||
            !Uri.TryCreate(endpointUrl, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) ||
            !endpointUrl.StartsWith(uri.Scheme + "://", StringComparison.OrdinalIgnoreCase))
        {
            return OperationError.Invalid("'delivery.endpoint_url' must be an absolute http or https URL.");
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return OperationError.Invalid("'delivery.endpoint_url' must not contain credentials or a fragment; send credentials in 'authorization_header'.");
        }

        return null;
    }
}
