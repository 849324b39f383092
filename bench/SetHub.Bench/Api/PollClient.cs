using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SetHub.Bench.Api;

/// <summary>One poll answer (RFC 8936 §2.4): the SETs by jti, and whether more are waiting.</summary>
public sealed record PollAnswer(IReadOnlyList<(string Jti, string Token)> Sets, bool MoreAvailable);

/// <summary>RFC 8936 polling as a receiver does it: <c>POST endpoint_url</c> with the receiver's token.</summary>
public static class PollClient
{
    /// <summary>Polls once; acknowledges <paramref name="acks"/> in the same request (§2.4).</summary>
    /// <exception cref="HubApiException">The hub answered something other than 200.</exception>
    public static async Task<PollAnswer> PollAsync(
        HttpClient http, StreamInfo stream, int maxEvents, bool returnImmediately, IReadOnlyCollection<string> acks, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, stream.PollUrl);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stream.ReceiverToken);
        request.Content = new StringContent(Body(maxEvents, returnImmediately, acks), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if ((int)response.StatusCode != 200)
        {
            throw new HubApiException($"poll of {stream.StreamId}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
        }

        using var document = JsonDocument.Parse(body);
        var sets = document.RootElement.GetProperty("sets").EnumerateObject().Select(set => (set.Name, set.Value.GetString()!)).ToArray();
        var more = document.RootElement.TryGetProperty("moreAvailable", out var moreAvailable) && moreAvailable.ValueKind == JsonValueKind.True;
        return new PollAnswer(sets, more);
    }

    private static string Body(int maxEvents, bool returnImmediately, IReadOnlyCollection<string> acks)
    {
        var body = new StringBuilder("{\"maxEvents\":").Append(maxEvents)
            .Append(",\"returnImmediately\":").Append(returnImmediately ? "true" : "false")
            .Append(",\"ack\":[");
        var first = true;
        foreach (var jti in acks)
        {
            body.Append(first ? "\"" : ",\"").Append(jti).Append('"');
            first = false;
        }

        return body.Append("]}").ToString();
    }
}
