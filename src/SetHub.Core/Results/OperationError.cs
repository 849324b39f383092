namespace SetHub.Core.Results;

/// <summary>An expected failure: a value, not an exception. <see cref="Code"/> and <see cref="Description"/>
/// become the JSON error body <c>{"error": …, "description": …}</c>.</summary>
/// <param name="Kind">What kind of failure this is.</param>
/// <param name="Code">A short machine-readable code.</param>
/// <param name="Description">A human-readable explanation; never contains secrets.</param>
public sealed record OperationError(ErrorKind Kind, string Code, string Description)
{
    /// <summary>For <see cref="ErrorKind.TooManyRequests"/>: how long the caller should wait (HTTP Retry-After).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Bad input (400 <c>invalid_request</c>).</summary>
    public static OperationError Invalid(string description) =>
        new(ErrorKind.Invalid, SsfConstants.Errors.InvalidRequest, description);

    /// <summary>Unknown resource (404 <c>not_found</c>).</summary>
    public static OperationError NotFound(string description) =>
        new(ErrorKind.NotFound, SsfConstants.Errors.NotFound, description);

    /// <summary>Not allowed (403 <c>access_denied</c>).</summary>
    public static OperationError Forbidden(string description) =>
        new(ErrorKind.Forbidden, SsfConstants.Errors.AccessDenied, description);

    /// <summary>Conflicting state (409 <c>conflict</c>).</summary>
    public static OperationError Conflict(string description) =>
        new(ErrorKind.Conflict, SsfConstants.Errors.Conflict, description);

    /// <summary>A request larger than the hub takes (413 <c>invalid_request</c>).</summary>
    public static OperationError TooLarge(string description) =>
        new(ErrorKind.TooLarge, SsfConstants.Errors.InvalidRequest, description);

    /// <summary>Well-formed but refused in its context (422 <c>invalid_request</c>).</summary>
    public static OperationError Unprocessable(string description) =>
        new(ErrorKind.Unprocessable, SsfConstants.Errors.InvalidRequest, description);

    /// <summary>Rate limited (429 <c>too_many_requests</c>).</summary>
    public static OperationError TooManyRequests(string description) =>
        new(ErrorKind.TooManyRequests, SsfConstants.Errors.TooManyRequests, description);
}
