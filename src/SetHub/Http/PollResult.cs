using System.Text.Json;
using SetHub.Core;
using SetHub.Grains.Streams;

namespace SetHub.Http;

/// <summary>
/// The RFC 8936 §2.3 poll response: <c>{"sets": {jti: SET, …}, "moreAvailable": bool}</c>, written straight to the
/// response body: a poll can carry a thousand SETs and needs no intermediate objects. <c>sets</c> is always present,
/// <c>{}</c> when empty (R49), so every 200 has a JSON body.
/// </summary>
internal sealed class PollResult(PollAnswer batch) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = SsfConstants.MediaTypes.Json;
        response.Headers.CacheControl = "no-store";

        await using var writer = new Utf8JsonWriter(response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteStartObject("sets");
        foreach (var set in batch.Sets)
        {
            writer.WriteString(set.Jti, set.Token);
        }

        writer.WriteEndObject();
        writer.WriteBoolean("moreAvailable", batch.MoreAvailable);
        writer.WriteEndObject();
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
