using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SetHub.Bench.Api;

/// <summary>A tenant as its receivers see it: its id, token and the SSF endpoints its discovery document lists.</summary>
public sealed record TenantInfo(string TenantId, string Token, string ConfigurationEndpoint, string AddSubjectEndpoint);

/// <summary>A created stream: its id, the receiver token that manages and polls it, and its poll URL (poll only).</summary>
public sealed record StreamInfo(int Index, string StreamId, string ReceiverToken, string? PollUrl);

/// <summary>
/// The calls the bench makes to set a hub up, through the public API only (README "The API"): tenants and receivers
/// through <c>/admin</c>, streams and subjects the way a receiver does, from the discovery document.
/// </summary>
public sealed class HubApi(HttpClient http, Uri node, string adminToken)
{
    public const string SessionRevoked = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    public const string PushMethod = "urn:ietf:rfc:8935";
    public const string PollMethod = "urn:ietf:rfc:8936";

    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(60);

    public Uri Node => node;

    /// <summary>Creates a tenant; <paramref name="allSubjects"/> sets <c>default_subjects</c> ALL (fan-out to every
    /// stream created afterwards).</summary>
    public async Task<TenantInfo> CreateTenantAsync(string tenantId, bool allSubjects, CancellationToken cancellationToken)
    {
        var body = $$"""{"display_name":"bench {{tenantId}}","default_subjects":"{{(allSubjects ? "ALL" : "NONE")}}"}""";
        var created = await SendAsync(HttpMethod.Put, new Uri(node, $"/admin/tenants/{tenantId}"), adminToken, body, HttpStatusCode.Created, cancellationToken);
        var token = created.GetProperty("token").GetString()!;
        var discovery = await SendAsync(HttpMethod.Get, Local(created.GetProperty("ssf_configuration_url").GetString()!), null, null, HttpStatusCode.OK, cancellationToken);
        return new TenantInfo(
            tenantId,
            token,
            discovery.GetProperty("configuration_endpoint").GetString()!,
            discovery.GetProperty("add_subject_endpoint").GetString()!);
    }

    /// <summary>Registers a receiver of the tenant; returns its bearer token.</summary>
    public async Task<string> RegisterReceiverAsync(TenantInfo tenant, string name, CancellationToken cancellationToken)
    {
        var body = $$"""{"name":"{{name}}","audience":"https://{{name}}.bench.example"}""";
        var registered = await SendAsync(HttpMethod.Post, new Uri(node, $"/admin/tenants/{tenant.TenantId}/receivers"), tenant.Token, body, HttpStatusCode.Created, cancellationToken);
        return registered.GetProperty("token").GetString()!;
    }

    /// <summary>Creates a stream for session-revoked events: push to <paramref name="pushUrl"/>, or poll when null.</summary>
    public async Task<StreamInfo> CreateStreamAsync(TenantInfo tenant, int index, string receiverToken, string? pushUrl, CancellationToken cancellationToken)
    {
        var delivery = pushUrl is null
            ? $$"""{"method":"{{PollMethod}}"}"""
            : $$"""{"method":"{{PushMethod}}","endpoint_url":"{{pushUrl}}"}""";
        var body = $$"""{"events_requested":["{{SessionRevoked}}"],"delivery":{{delivery}},"description":"bench stream {{index}}"}""";
        var stream = await SendAsync(HttpMethod.Post, Local(tenant.ConfigurationEndpoint), receiverToken, body, HttpStatusCode.Created, cancellationToken);
        var pollUrl = pushUrl is null ? stream.GetProperty("delivery").GetProperty("endpoint_url").GetString() : null;
        return new StreamInfo(index, stream.GetProperty("stream_id").GetString()!, receiverToken, pollUrl is null ? null : Local(pollUrl).ToString());
    }

    /// <summary>Adds a subject to a stream (SSF 1.0 §8.1.3.2).</summary>
    public async Task AddSubjectAsync(TenantInfo tenant, StreamInfo stream, string subjectJson, CancellationToken cancellationToken)
    {
        var body = $$"""{"stream_id":"{{stream.StreamId}}","subject":{{subjectJson}}}""";
        await SendAsync(HttpMethod.Post, Local(tenant.AddSubjectEndpoint), stream.ReceiverToken, body, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary>The node's own address for an URL the hub advertised: with several nodes, discovery names the
    /// public base URL (node 0), and setup calls must reach the node this client was made for.</summary>
    public Uri Local(string advertised)
    {
        var uri = new Uri(advertised);
        return new UriBuilder(uri) { Host = node.Host, Port = node.Port }.Uri;
    }

    private async Task<JsonElement> SendAsync(
        HttpMethod method, Uri url, string? token, string? body, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SetupTimeout);
        using var request = new HttpRequestMessage(method, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, timeout.Token);
        var text = await response.Content.ReadAsStringAsync(timeout.Token);
        if (response.StatusCode != expected)
        {
            throw new HubApiException($"{method} {url.AbsolutePath}: expected {(int)expected}, got {(int)response.StatusCode} {text}");
        }

        if (string.IsNullOrEmpty(text))
        {
            return default;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

/// <summary>The hub answered a setup call in a way the bench did not expect: the run of that scenario fails.</summary>
public sealed class HubApiException : Exception
{
    public HubApiException()
    {
    }

    public HubApiException(string message)
        : base(message)
    {
    }

    public HubApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
