using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SetHub.Tests.Infrastructure;

/// <summary>
/// Acts as an SSF receiver would: it knows only the metadata it discovered and its bearer token, and checks every
/// SET with an independent JWT library against the published JWKS.
/// </summary>
public sealed class TestReceiver(SetHubServer server, TestTenant tenant, string receiverId, string token, string audience) : IDisposable
{
    public const string SessionRevoked = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    public const string CredentialChange = "https://schemas.openid.net/secevent/caep/event-type/credential-change";
    public const string DeviceComplianceChange = "https://schemas.openid.net/secevent/caep/event-type/device-compliance-change";
    public const string Verification = "https://schemas.openid.net/secevent/ssf/event-type/verification";

    public HttpClient Client { get; } = server.CreateClient(token);

    public TestTenant Tenant => tenant;

    public string ReceiverId => receiverId;

    public string Token => token;

    public string Audience => audience;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string endpoint, string? body = null)
    {
        var request = new HttpRequestMessage(method, endpoint);
        if (body is not null)
        {
            request.Content = TestTenant.Json(body);
        }

        return Client.SendAsync(request, Cancel);
    }

    /// <summary>
    /// Creates a stream and asserts 201. SetHub sends every new stream a verification SET without state; for a poll
    /// stream this checks and acknowledges it, so tests see only the SETs they cause.
    /// </summary>
    public async Task<JsonElement> CreateStreamAsync(string body = $$"""{"events_requested":["{{SessionRevoked}}"],"description":"test"}""", bool drainInitialVerification = true)
    {
        using var response = await SendAsync(HttpMethod.Post, tenant.Endpoint("configuration_endpoint"), body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stream = await TestTenant.ReadJsonAsync(response);
        if (drainInitialVerification && stream.GetProperty("delivery").GetProperty("method").GetString() == "urn:ietf:rfc:8936")
        {
            var (jti, token) = Assert.Single(Sets(await PollAsync(stream)));
            var (type, payload) = Event(await ValidateSetAsync(token));
            Assert.Equal(Verification, type);
            Assert.False(payload.TryGetProperty("state", out _), "a transmitter-initiated verification carries no state (R120)");
            Assert.Empty(Sets(await PollAsync(stream, $$"""{"returnImmediately":true,"maxEvents":0,"ack":["{{jti}}"]}""")));
        }

        return stream;
    }

    /// <summary>Creates a push stream (RFC 8935) for session-revoked events to <paramref name="url"/> and asserts 201.</summary>
    public Task<JsonElement> CreatePushStreamAsync(string url, string? authorization = null) =>
        CreateStreamAsync(authorization is null
            ? $$"""{"events_requested":["{{SessionRevoked}}"],"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"{{url}}"} }"""
            : $$"""{"events_requested":["{{SessionRevoked}}"],"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"{{url}}","authorization_header":"{{authorization}}"} }""");

    /// <summary>Asks for a verification SET and asserts 204.</summary>
    public async Task VerifyAsync(string streamId, string? state)
    {
        var body = state is null ? $$"""{"stream_id":"{{streamId}}"}""" : $$"""{"stream_id":"{{streamId}}","state":"{{state}}"}""";
        using var response = await SendAsync(HttpMethod.Post, tenant.Endpoint("verification_endpoint"), body);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Polls a stream's endpoint and asserts 200 with a JSON body.</summary>
    public async Task<JsonElement> PollAsync(JsonElement stream, string body = """{"returnImmediately":true}""")
    {
        using var response = await SendAsync(HttpMethod.Post, stream.GetProperty("delivery").GetProperty("endpoint_url").GetString()!, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await TestTenant.ReadJsonAsync(response);
    }

    /// <summary>Validates a SET as a strict receiver: signature against the JWKS, issuer, audience, explicit type.</summary>
    public async Task<JsonWebToken> ValidateSetAsync(string set)
    {
        using var anonymous = server.CreateClient();
        var jwks = await anonymous.GetStringAsync(tenant.Endpoint("jwks_uri"), Cancel);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(set, new TokenValidationParameters
        {
            IssuerSigningKeys = new JsonWebKeySet(jwks).GetSigningKeys(),
            ValidIssuer = tenant.Issuer,
            ValidAudience = audience,
            ValidTypes = ["secevent+jwt"],
            RequireExpirationTime = false, // SSF 1.0 §4.1.7: SETs carry no exp
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    /// <summary>The SETs of a poll response, in the order returned.</summary>
    public static IReadOnlyList<(string Jti, string Token)> Sets(JsonElement pollResponse) =>
        pollResponse.GetProperty("sets").EnumerateObject().Select(p => (p.Name, p.Value.GetString()!)).ToArray();

    /// <summary>The single event of a SET: its type and payload.</summary>
    public static (string Type, JsonElement Payload) Event(JsonWebToken set)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(set.EncodedPayload));
        var events = payload.RootElement.GetProperty("events").EnumerateObject().ToArray();
        Assert.Single(events);
        return (events[0].Name, events[0].Value.Clone());
    }

    /// <summary>A claim of the SET as raw JSON.</summary>
    public static JsonElement Claim(JsonWebToken set, string name)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(set.EncodedPayload));
        return payload.RootElement.TryGetProperty(name, out var value) ? value.Clone() : default;
    }

    public void Dispose() => Client.Dispose();
}
