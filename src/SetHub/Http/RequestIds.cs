using System.Diagnostics;

namespace SetHub.Http;

/// <summary>
/// Gives every request an id: the trace id of a W3C <c>traceparent</c> the client sent (W3C Trace Context §3.2), else a
/// new one in the same format (32 lowercase hex digits). It becomes the request's <see cref="HttpContext.TraceIdentifier"/>
/// (which ASP.NET Core's log scopes carry, and SetHub's own log lines about the request name), goes back in the
/// <c>X-Request-Id</c> header of every answer, and into every JSON error body as <c>request_id</c>.
/// </summary>
internal sealed class RequestIds(RequestDelegate next)
{
    public const string HeaderName = "X-Request-Id";

    public Task InvokeAsync(HttpContext context)
    {
        var id = TraceIdOf(context.Request.Headers["traceparent"]) ?? ActivityTraceId.CreateRandom().ToHexString();
        context.TraceIdentifier = id;

        // Set as the answer starts, so a response cleared on the way (a 503 replacing a half-made answer) keeps it.
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            http.Response.Headers[HeaderName] = http.TraceIdentifier;
            return Task.CompletedTask;
        }, context);
        return next(context);
    }

    /// <summary>The trace id of a valid <c>traceparent</c> (<c>00-{32 hex}-{16 hex}-{2 hex}</c>, ids not all zero),
    /// else <see langword="null"/>.</summary>
    public static string? TraceIdOf(string? traceparent)
    {
        if (traceparent is not { Length: 55 } || traceparent[2] != '-' || traceparent[35] != '-' || traceparent[52] != '-' ||
            !IsHex(traceparent.AsSpan(0, 2)) || traceparent.StartsWith("ff", StringComparison.Ordinal))
        {
            return null;
        }

        var traceId = traceparent.AsSpan(3, 32);
        var parentId = traceparent.AsSpan(36, 16);
        return IsHex(traceId) && IsHex(parentId) && IsHex(traceparent.AsSpan(53, 2)) && !IsZero(traceId) && !IsZero(parentId)
            ? traceId.ToString()
            : null;
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsZero(ReadOnlySpan<char> text) => !text.ContainsAnyExcept('0');
}
