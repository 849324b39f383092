using Microsoft.AspNetCore.Http.HttpResults;
using SetHub.Core.Results;
using SetHub.Json;

namespace SetHub.Http;

/// <summary>Turns expected failures into the status the spec names, with a JSON body.</summary>
internal static class ApiResults
{
    public static JsonHttpResult<ErrorResponse> Error(OperationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return TypedResults.Json(
            new ErrorResponse(error.Code, error.Description) { RetryAfter = error.RetryAfter },
            SetHubJsonContext.Default.ErrorResponse,
            statusCode: StatusFor(error.Kind));
    }

    /// <summary>204, or the error.</summary>
    public static Results<NoContent, JsonHttpResult<ErrorResponse>> NoContentOr(OperationError? error) =>
        error is null ? TypedResults.NoContent() : Error(error);

    /// <summary>200 with the value, or the error.</summary>
    public static Results<Ok<T>, JsonHttpResult<ErrorResponse>> OkOr<T>(Result<T> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : Error(result.Error);

    /// <summary>An endpoint filter on every endpoint that completes an error answer: the request's id into its body
    /// (<c>request_id</c>), and <see cref="ErrorResponse.RetryAfter"/> into the Retry-After header.</summary>
    public static async ValueTask<object?> CompleteErrorsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var result = await next(context);
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        var status = (inner as IStatusCodeHttpResult)?.StatusCode;
        var http = context.HttpContext;
        switch (inner)
        {
            case IValueHttpResult<ErrorResponse> { Value: { } error }:
                if (error.RetryAfter is { } wait)
                {
                    http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return TypedResults.Json(error with { RequestId = http.TraceIdentifier }, SetHubJsonContext.Default.ErrorResponse, statusCode: status);

            case IValueHttpResult<DeliveryErrorResponse> { Value: { } delivery }:
                return TypedResults.Json(delivery with { RequestId = http.TraceIdentifier }, SetHubJsonContext.Default.DeliveryErrorResponse, statusCode: status);

            default:
                return result;
        }
    }

    public static int StatusFor(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        ErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status500InternalServerError,
    };
}
