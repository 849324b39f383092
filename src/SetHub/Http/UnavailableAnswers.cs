namespace SetHub.Http;

/// <summary>
/// Answers 503 with Retry-After when the store or a node is briefly unavailable (a database restart, a node dying and
/// not yet declared dead), with one warning line instead of an error and a stack trace: during a failover this is
/// expected, and clients retry. Anything else goes on to the exception handler as a bug.
/// </summary>
internal sealed partial class UnavailableAnswers(RequestDelegate next, ILogger<UnavailableAnswers> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (TransientFailures.IsUnavailable(exception) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            LogUnavailable(logger, context.Request.Method, context.Request.Path, exception.GetType().Name, exception.Message, context.TraceIdentifier);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            await ErrorBody.WriteAsync(context, context.GetEndpoint(), "store_unavailable",
                "The store or a node is briefly unavailable; retry shortly. A publish answered so may have reached some streams: retry it with the same txn and body, and each stream ends up with one SET.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: {ExceptionType}: {Reason} (request {RequestId})")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string exceptionType, string reason, string requestId);
}
