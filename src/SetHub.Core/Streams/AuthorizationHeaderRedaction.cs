using SetHub.Core.Results;

namespace SetHub.Core.Streams;

/// <summary>
/// A push <c>authorization_header</c> is a secret: SetHub shows only its scheme (<c>Bearer ****</c>), and treats the
/// redacted form sent back in an update as "unchanged".
/// </summary>
public static class AuthorizationHeaderRedaction
{
    private const string Mask = "****";

    /// <summary>The redacted form: the scheme, if any, followed by <c>****</c>.</summary>
    public static string Redact(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? string.Concat(header.AsSpan(0, space + 1), Mask) : Mask;
    }

    /// <summary>Whether <paramref name="header"/> is a redacted form (<c>Bearer ****</c>, <c>****</c>): what SetHub shows,
    /// never a secret to send.</summary>
    public static bool IsRedacted(string header) => string.Equals(header, Redact(header), StringComparison.Ordinal);

    /// <summary>Rejects values that cannot be sent as an HTTP header value (RFC 9110 §5.5): control characters
    /// (header injection), non-ASCII, or excessive length.</summary>
    public static OperationError? Validate(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.Length is 0 or > StreamRequest.MaxAuthorizationHeaderLength)
        {
            return OperationError.Invalid($"'delivery.authorization_header' must be 1 to {StreamRequest.MaxAuthorizationHeaderLength} characters.");
        }

        foreach (var c in header)
        {
            if (c is < ' ' or > '~')
            {
                return OperationError.Invalid("'delivery.authorization_header' may contain only printable ASCII characters.");
            }
        }

        return null;
    }
}
