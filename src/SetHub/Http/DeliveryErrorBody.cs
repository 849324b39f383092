using Microsoft.AspNetCore.Http.HttpResults;
using SetHub.Core;
using SetHub.Core.Results;
using SetHub.Json;

namespace SetHub.Http;

/// <summary>
/// Endpoint metadata of the RFC 8936 poll endpoint: all its errors, the authentication handler's 401 and 403 and the
/// framework's included (<see cref="ErrorBody"/>), have the RFC 8935 §2.3 body <c>{"err", "description"}</c>. Its 4xx
/// answers carry registered RFC 8935 §2.4 codes only (R37); a 5xx (the store unavailable, a bug), whose body RFC 8936
/// §2.5.1 leaves undefined, carries SetHub's own code in the same shape. The management and admin APIs keep
/// <c>{"error", "description"}</c>.
/// </summary>
internal sealed class DeliveryErrorBody
{
    /// <summary>The metadata to put on the endpoint.</summary>
    public static readonly DeliveryErrorBody Metadata = new();

    private DeliveryErrorBody()
    {
    }

    /// <summary>Whether <paramref name="endpoint"/> answers errors this way.</summary>
    public static bool IsUsedBy(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<DeliveryErrorBody>() is not null;

    /// <summary>The error with its usual status. RFC 8936 §2.5.1 leaves the poll error body open and §2.4 of RFC 8935
    /// has no "not found" code: 403 is <c>access_denied</c>, every other expected failure (400, 404) <c>invalid_request</c>.</summary>
    public static JsonHttpResult<DeliveryErrorResponse> Result(OperationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return TypedResults.Json(
            new DeliveryErrorResponse(
                error.Kind switch
                {
                    ErrorKind.Forbidden => SsfConstants.DeliveryErrors.AccessDenied,
                    ErrorKind.Unauthorized => SsfConstants.DeliveryErrors.AuthenticationFailed,
                    _ => SsfConstants.DeliveryErrors.InvalidRequest,
                },
                error.Description),
            SetHubJsonContext.Default.DeliveryErrorResponse,
            statusCode: ApiResults.StatusFor(error.Kind));
    }
}
