using SetHub.Core;
using SetHub.Json;

namespace SetHub.Http;

/// <summary>
/// The one writer of error bodies for responses answered outside an endpoint's own results: the authentication
/// handler's 401 and 403, the framework's bodiless statuses and unhandled exceptions. It answers in the shape of the
/// endpoint the request was routed to: RFC 8935 §2.3 <c>{"err", "description"}</c> on the poll endpoint
/// (<see cref="DeliveryErrorBody"/>), <c>{"error", "description"}</c> everywhere else.
/// </summary>
internal static class ErrorBody
{
    /// <summary>Writes the body of a response whose status is already set; <paramref name="code"/> is SetHub's code.</summary>
    public static Task WriteAsync(HttpContext context, Endpoint? endpoint, string code, string description)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        return DeliveryErrorBody.IsUsedBy(endpoint)
            ? response.WriteAsJsonAsync(
                new DeliveryErrorResponse(DeliveryCode(response.StatusCode, code), description) { RequestId = context.TraceIdentifier },
                SetHubJsonContext.Default.DeliveryErrorResponse)
            : response.WriteAsJsonAsync(new ErrorResponse(code, description) { RequestId = context.TraceIdentifier }, SetHubJsonContext.Default.ErrorResponse);
    }

    // RFC 8935 §2.4 has codes for client errors only: 401 authentication_failed, 403 access_denied, any other 4xx
    // invalid_request. A 5xx keeps SetHub's own code (RFC 8936 §2.5.1 leaves that body undefined).
    private static string DeliveryCode(int status, string code) => status switch
    {
        StatusCodes.Status401Unauthorized => SsfConstants.DeliveryErrors.AuthenticationFailed,
        StatusCodes.Status403Forbidden => SsfConstants.DeliveryErrors.AccessDenied,
        < 500 => SsfConstants.DeliveryErrors.InvalidRequest,
        _ => code,
    };
}
