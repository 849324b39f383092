namespace SetHub.Core.Delivery;

/// <summary>What a push attempt means for the SET.</summary>
public enum PushOutcomeKind
{
    /// <summary>Accepted: done.</summary>
    Delivered,

    /// <summary>Refused in a way a retry cannot fix: dead-lettered now.</summary>
    Rejected,

    /// <summary>Failed in a way that may heal: retried after a backoff.</summary>
    Retryable,

    /// <summary>Not sent, and not an attempt: the stream's tenant is disabled. The stream holds its SETs until the
    /// tenant is enabled again.</summary>
    Held,
}

/// <summary>A classified push attempt.</summary>
/// <param name="Kind">Delivered, rejected or retryable.</param>
/// <param name="Error">A human-readable error, for the SET's last error; <see langword="null"/> when delivered.</param>
/// <param name="RetryAfter">The receiver's requested wait, if any.</param>
public readonly record struct PushOutcome(PushOutcomeKind Kind, string? Error, TimeSpan? RetryAfter = null)
{
    /// <summary>The outcome of a push whose tenant is disabled.</summary>
    public static PushOutcome TenantDisabled { get; } = new(PushOutcomeKind.Held, "not sent: the tenant is disabled");

    // RFC 8935 §2.4 codes a retry of the same bytes cannot fix (R29). invalid_key, authentication_failed and
    // access_denied can heal (a refreshed JWKS, a new authorization_header, a changed policy), so they are retried.
    private static readonly HashSet<string> PermanentErrors = new(StringComparer.Ordinal)
    {
        SsfConstants.DeliveryErrors.InvalidRequest,
        SsfConstants.DeliveryErrors.InvalidIssuer,
        SsfConstants.DeliveryErrors.InvalidAudience,
        SsfConstants.DeliveryErrors.InvalidState,
    };

    /// <summary>
    /// RFC 8935 §2.2–§2.4: any 2xx is delivered (202 is the spec's answer; 200 and 204 are accepted too); a 400 with a
    /// permanent error code, or none, is rejected; everything else (network errors, timeouts, 401/403, 408, 429,
    /// other 4xx, 3xx, 5xx) is retried, bounded by MaxDeliveryAge.
    /// </summary>
    public static PushOutcome Classify(PushResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode is not { } status)
        {
            return new PushOutcome(PushOutcomeKind.Retryable, $"no answer: {response.Description}");
        }

        if (status is >= 200 and < 300)
        {
            return new PushOutcome(PushOutcomeKind.Delivered, null);
        }

        var error = response.ErrorCode is null
            ? $"HTTP {status}"
            : $"HTTP {status} {response.ErrorCode}{(response.Description is null ? string.Empty : ": " + response.Description)}";
        if (status == 400 && (response.ErrorCode is null || PermanentErrors.Contains(response.ErrorCode)))
        {
            return new PushOutcome(PushOutcomeKind.Rejected, error);
        }

        return new PushOutcome(PushOutcomeKind.Retryable, error, response.RetryAfter);
    }
}
