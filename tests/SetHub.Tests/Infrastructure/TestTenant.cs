using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SetHub.Tests.Infrastructure;

/// <summary>A tenant created through the admin API, with its discovery metadata.</summary>
public sealed partial class TestTenant
{
    private readonly SetHubServer _server;

    private TestTenant(SetHubServer server, string tenantId, string token, JsonElement metadata)
    {
        _server = server;
        TenantId = tenantId;
        Token = token;
        Metadata = metadata;
    }

    public string TenantId { get; }

    public string Token { get; }

    public JsonElement Metadata { get; }

    public string Issuer => Metadata.GetProperty("issuer").GetString()!;

    public string Endpoint(string name) => Metadata.GetProperty(name).GetString()!;

    /// <summary>Creates a tenant with a unique id and reads its metadata the way a receiver finds it.</summary>
    public static async Task<TestTenant> CreateAsync(SetHubServer server, string body = "{}")
    {
        var tenantId = "t-" + Guid.NewGuid().ToString("N")[..12];
        using var admin = server.CreateClient(SetHubServer.AdminToken);
        using var response = await admin.PutAsync($"/admin/tenants/{tenantId}", Json(body), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await ReadJsonAsync(response);

        using var anonymous = server.CreateClient();
        var metadata = await anonymous.GetFromJsonElementAsync(created.GetProperty("ssf_configuration_url").GetString()!);
        return new TestTenant(server, tenantId, created.GetProperty("token").GetString()!, metadata);
    }

    /// <summary>Registers a receiver and returns a client acting as it.</summary>
    public async Task<TestReceiver> AddReceiverAsync(string? audience = null, string? signingAlgorithm = null)
    {
        audience ??= $"https://rp-{Guid.NewGuid():N}.example.com";
        var body = signingAlgorithm is null
            ? $$"""{"name":"test receiver","audience":"{{audience}}"}"""
            : $$"""{"name":"test receiver","audience":"{{audience}}","signing_alg":"{{signingAlgorithm}}"}""";
        using var tenantAdmin = _server.CreateClient(Token);
        using var response = await tenantAdmin.PostAsync($"/admin/tenants/{TenantId}/receivers", Json(body), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var registered = await ReadJsonAsync(response);
        return new TestReceiver(_server, this, registered.GetProperty("receiver_id").GetString()!, registered.GetProperty("token").GetString()!, audience);
    }

    /// <summary>Publishes an event with the tenant token and asserts 202; returns the answer.</summary>
    public async Task<JsonElement> PublishAsync(string body)
    {
        using var response = await PostPublishAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    /// <summary>Publishes an event with the tenant token; returns the raw response.</summary>
    public async Task<HttpResponseMessage> PostPublishAsync(string body)
    {
        using var client = _server.CreateClient(Token);
        return await client.PostAsync($"/admin/tenants/{TenantId}/events", Json(body), TestContext.Current.CancellationToken);
    }

    /// <summary>A publish body: one event about one subject.</summary>
    public static string Event(string subjectJson, string eventType = TestReceiver.SessionRevoked, string payload = "{}", string? txn = null) =>
        txn is null
            ? $$"""{"events":{"{{eventType}}":{{payload}} },"sub_id":{{subjectJson}} }"""
            : $$"""{"events":{"{{eventType}}":{{payload}} },"sub_id":{{subjectJson}},"txn":"{{txn}}"}""";

    /// <summary>
    /// A JSON request body, as UTF-8. <c>%xHH%</c> stands for the single byte 0xHH, so tests can send bytes no string
    /// encodes as UTF-8 (<c>%xFF%</c>); JSON itself has no such escape, so no valid body is affected.
    /// </summary>
    public static HttpContent Json(string body)
    {
        if (!body.Contains("%x", StringComparison.Ordinal))
        {
            return new StringContent(body, Encoding.UTF8, "application/json");
        }

        var bytes = new List<byte>();
        var parts = RawByte().Split(body); // text, hex, text, hex, …, text
        for (var i = 0; i < parts.Length; i++)
        {
            bytes.AddRange(i % 2 == 0 ? Encoding.UTF8.GetBytes(parts[i]) : [Convert.ToByte(parts[i], 16)]);
        }

        var content = new ByteArrayContent([.. bytes]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    [GeneratedRegex("%x([0-9A-Fa-f]{2})%")]
    private static partial Regex RawByte();

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

/// <summary>JSON helpers on <see cref="HttpClient"/>.</summary>
public static class HttpClientJsonExtensions
{
    public static async Task<JsonElement> GetFromJsonElementAsync(this HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(url, TestContext.Current.CancellationToken);
        Assert.Equal(expected, response.StatusCode);
        return await TestTenant.ReadJsonAsync(response);
    }
}
