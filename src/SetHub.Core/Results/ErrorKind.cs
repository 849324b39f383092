namespace SetHub.Core.Results;

/// <summary>Why an operation was refused. The host maps each kind to the HTTP status the spec names.</summary>
public enum ErrorKind
{
    /// <summary>Bad input: 400.</summary>
    Invalid,

    /// <summary>The caller's credential is not (or no longer) valid: 401.</summary>
    Unauthorized,

    /// <summary>The caller may not do this: 403.</summary>
    Forbidden,

    /// <summary>No such resource for this caller: 404.</summary>
    NotFound,

    /// <summary>The request conflicts with current state: 409.</summary>
    Conflict,

    /// <summary>The caller must slow down: 429.</summary>
    TooManyRequests,

    /// <summary>The request is larger than the hub takes: 413 (RFC 9110 §15.5.14).</summary>
    TooLarge,

    /// <summary>Well-formed, and not what the request's own context allows: 422 (RFC 9110 §15.5.21), e.g. an
    /// Idempotency-Key reused with another body.</summary>
    Unprocessable,
}
