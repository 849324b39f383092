using System.Net;
using Microsoft.IdentityModel.Tokens;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Endpoints;

/// <summary>The operator and tenant API of interface.md.</summary>
public sealed class AdminApiTests(SetHubServer server)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PutTenant_New_Returns201WithTokenAndUrls_ThenUpdatesWith200()
    {
        using var admin = server.CreateClient(SetHubServer.AdminToken);
        var tenantId = NewTenantId();

        using var created = await admin.PutAsync($"/admin/tenants/{tenantId}", TestTenant.Json("""{"display_name":"Acme","default_subjects":"ALL"}"""), Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await TestTenant.ReadJsonAsync(created);
        Assert.Equal(tenantId, body.GetProperty("tenant_id").GetString());
        Assert.Equal($"{server.BaseAddress.ToString().TrimEnd('/')}/tenants/{tenantId}", body.GetProperty("issuer").GetString());
        Assert.Equal($"{body.GetProperty("issuer").GetString()}/jwks.json", body.GetProperty("jwks_uri").GetString());
        Assert.Equal($"{server.BaseAddress.ToString().TrimEnd('/')}/.well-known/ssf-configuration/tenants/{tenantId}", body.GetProperty("ssf_configuration_url").GetString());
        Assert.StartsWith($"sh_ten_{tenantId}.", body.GetProperty("token").GetString(), StringComparison.Ordinal);

        using var updated = await admin.PutAsync($"/admin/tenants/{tenantId}", TestTenant.Json("""{"display_name":"Acme Corp"}"""), Cancel);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var updatedBody = await TestTenant.ReadJsonAsync(updated);
        Assert.False(updatedBody.TryGetProperty("token", out _), "the tenant token is shown only on creation");
        Assert.Equal("Acme Corp", updatedBody.GetProperty("display_name").GetString());
        Assert.Equal("ALL", updatedBody.GetProperty("default_subjects").GetString()); // absent members keep their value
    }

    [Theory]
    [InlineData("Acme")]
    [InlineData("-acme")]
    [InlineData("acme_corp")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public async Task PutTenant_InvalidId_Returns400(string tenantId)
    {
        using var admin = server.CreateClient(SetHubServer.AdminToken);

        using var response = await admin.PutAsync($"/admin/tenants/{tenantId}", TestTenant.Json("{}"), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await TestTenant.ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("""{"default_subjects":"SOME"}""")]
    [InlineData("""{"display_name":42}""")]
    [InlineData("""{"defualt_subjects":"ALL"}""")]
    [InlineData("""{"events_supported":[]}""")]
    [InlineData("""{"events_supported":["not a uri"]}""")]
    [InlineData("""{"events_supported":["https://schemas.openid.net/secevent/ssf/event-type/verification"]}""")]
    [InlineData("[]")]
    [InlineData(";{ broken")]
    [InlineData("""{"display_name":"%xFF%%xFE%"}""")] // RFC 8259 §8.1
    [InlineData("""{"display_name":"\ud800"}""")] // RFC 8259 §8.2
    [InlineData("""{"\ud800":"x"}""")]
    [InlineData("""{"display_name":"a","display_name":"b"}""")] // RFC 8259 §4
    [InlineData("""{"display_name":"Acme\u0000"}""")] // control characters and bidi overrides in names
    [InlineData("""{"display_name":"\u202Eemca"}""")]
    [InlineData("""{"display_name":"line\nbreak"}""")]
    public async Task PutTenant_BadBody_Returns400AndCreatesNothing(string body)
    {
        using var admin = server.CreateClient(SetHubServer.AdminToken);
        var tenantId = NewTenantId();

        using var response = await admin.PutAsync($"/admin/tenants/{tenantId}", TestTenant.Json(body), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await TestTenant.ReadJsonAsync(response)).GetProperty("error").GetString());
        using var read = await admin.GetAsync($"/admin/tenants/{tenantId}", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task PutTenant_CustomEventsSupported_AreOfferedToStreams()
    {
        var tenant = await TestTenant.CreateAsync(server, """{"events_supported":["urn:example:event:a","urn:example:event:b"]}""");
        using var receiver = await tenant.AddReceiverAsync();

        var stream = await receiver.CreateStreamAsync("""{"events_requested":["urn:example:event:b","urn:example:event:c"]}""");

        Assert.Equal(["urn:example:event:a", "urn:example:event:b"], stream.GetProperty("events_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["urn:example:event:b"], stream.GetProperty("events_delivered").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task PutTenant_NarrowingEventsSupported_NarrowsEventsDeliveredOfExistingStreams()
    {
        // R93 (SSF 1.0 §8.1.1): events_delivered ⊆ events_supported ∩ events_requested holds after the operator narrows
        // events_supported, for a stream that requested both types and one that requested nothing (all supported).
        const string A = "urn:example:event:a", B = "urn:example:event:b";
        const string Alice = """{"format":"email","email":"alice@example.com"}""";
        var tenant = await TestTenant.CreateAsync(server, $$"""{"events_supported":["{{A}}","{{B}}"]}""");
        using var receiver = await tenant.AddReceiverAsync();
        var streams = new[] { await receiver.CreateStreamAsync($$"""{"events_requested":["{{A}}","{{B}}"]}"""), await receiver.CreateStreamAsync("{}") };
        foreach (var stream in streams)
        {
            using var added = await receiver.SendAsync(HttpMethod.Post, tenant.Endpoint("add_subject_endpoint"), $$"""{"stream_id":"{{Id(stream)}}","subject":{{Alice}} }""");
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        // The fan-out reads added-subject streams through the stream cache: this publish fills it.
        Assert.Equal(2, (await tenant.PublishAsync(TestTenant.Event(Alice, B))).GetProperty("streams").GetInt32());

        using var admin = server.CreateClient(SetHubServer.AdminToken);
        using var narrowed = await admin.PutAsync($"/admin/tenants/{tenant.TenantId}", TestTenant.Json($$"""{"events_supported":["{{A}}"]}"""), Cancel);
        Assert.Equal(HttpStatusCode.OK, narrowed.StatusCode);

        foreach (var stream in streams)
        {
            var read = await receiver.Client.GetFromJsonElementAsync($"{tenant.Endpoint("configuration_endpoint")}?stream_id={Id(stream)}");
            Assert.Equal([A], read.GetProperty("events_delivered").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal([A], read.GetProperty("events_supported").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.Equal(0, (await tenant.PublishAsync(TestTenant.Event(Alice, B))).GetProperty("streams").GetInt32());
        Assert.Equal(2, (await tenant.PublishAsync(TestTenant.Event(Alice, A))).GetProperty("streams").GetInt32());
    }

    [Fact]
    public async Task Admin_WithoutOrWithWrongToken_Returns401()
    {
        using var anonymous = server.CreateClient();
        using var wrong = server.CreateClient("sh_adm_not-the-operator-token");
        using var basic = server.CreateClient();
        basic.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "YWRtaW46YWRtaW4=");

        foreach (var client in new[] { anonymous, wrong, basic })
        {
            using var response = await client.GetAsync("/admin/tenants", Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Equal("invalid_token", (await TestTenant.ReadJsonAsync(response)).GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task Admin_TokenInQueryString_IsNotAccepted()
    {
        // R147: bearer tokens travel in the Authorization header only.
        using var anonymous = server.CreateClient();

        using var response = await anonymous.GetAsync($"/admin/tenants?access_token={SetHubServer.AdminToken}", Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TenantToken_ManagesOnlyItsOwnTenant()
    {
        var acme = await TestTenant.CreateAsync(server);
        var other = await TestTenant.CreateAsync(server);
        using var tenantClient = server.CreateClient(acme.Token);

        Assert.Equal(HttpStatusCode.OK, (await tenantClient.GetAsync($"/admin/tenants/{acme.TenantId}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tenantClient.PutAsync($"/admin/tenants/{acme.TenantId}", TestTenant.Json("""{"display_name":"mine"}"""), Cancel)).StatusCode);

        // Another tenant's resources, and operator-only ones: authenticated, but forbidden.
        Assert.Equal(HttpStatusCode.Forbidden, (await tenantClient.GetAsync($"/admin/tenants/{other.TenantId}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenantClient.PostAsync($"/admin/tenants/{other.TenantId}/receivers", TestTenant.Json("""{"audience":"x"}"""), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenantClient.PutAsync($"/admin/tenants/{NewTenantId()}", TestTenant.Json("{}"), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenantClient.GetAsync("/admin/tenants", Cancel)).StatusCode);
        using var denied = await tenantClient.GetAsync($"/admin/tenants/{other.TenantId}/receivers", Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("access_denied", (await TestTenant.ReadJsonAsync(denied)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task ReceiverToken_CannotUseTheAdminApi()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync();

        using var response = await receiver.Client.GetAsync($"/admin/tenants/{tenant.TenantId}/receivers", Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"name":"rp"}""")]
    [InlineData("""{"audience":""}""")]
    [InlineData("""{"audience":["a","b"]}""")]
    [InlineData("""{"audience":"https://rp","signing_alg":"HS256"}""")]
    [InlineData("""{"audience":"https://rp","signing_alg":"none"}""")]
    [InlineData("""{"audience":"https://rp","token":"mine"}""")]
    [InlineData("""{"audience":"https://rp/%xFF%%xFE%"}""")] // RFC 8259 §8.1
    [InlineData("""{"audience":"https://rp/\ud800"}""")] // RFC 8259 §8.2
    [InlineData("""{"audience":"https://rp","audience":"https://other"}""")] // RFC 8259 §4
    [InlineData("""{"audience":"https://rp\u0000"}""")] // would be in every SET's aud
    [InlineData("""{"audience":"https://rp\u202E"}""")]
    [InlineData("""{"audience":"https://rp","name":"\u2066RP"}""")]
    public async Task RegisterReceiver_BadBody_Returns400(string body)
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var admin = server.CreateClient(SetHubServer.AdminToken);

        using var response = await admin.PostAsync($"/admin/tenants/{tenant.TenantId}/receivers", TestTenant.Json(body), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var list = await admin.GetAsync($"/admin/tenants/{tenant.TenantId}/receivers", Cancel);
        Assert.Equal(0, (await TestTenant.ReadJsonAsync(list)).GetArrayLength());
    }

    [Fact]
    public async Task RegisterReceiver_UnknownTenant_Returns404()
    {
        using var admin = server.CreateClient(SetHubServer.AdminToken);

        using var response = await admin.PostAsync($"/admin/tenants/{NewTenantId()}/receivers", TestTenant.Json("""{"audience":"x"}"""), Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Receivers_ListShowsNoTokens_AndDeleteRevokesAccess()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync(audience: "https://rp.example.com");
        var stream = await receiver.CreateStreamAsync();
        using var admin = server.CreateClient(tenant.Token);

        var list = await admin.GetFromJsonElementAsync($"/admin/tenants/{tenant.TenantId}/receivers");
        var listed = Assert.Single(list.EnumerateArray());
        Assert.Equal("https://rp.example.com", listed.GetProperty("audience").GetString());
        Assert.Equal("ES256", listed.GetProperty("signing_alg").GetString());
        Assert.False(listed.TryGetProperty("token", out _));

        using var deleted = await admin.DeleteAsync($"/admin/tenants/{tenant.TenantId}/receivers/{receiver.ReceiverId}", Cancel);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var again = await admin.DeleteAsync($"/admin/tenants/{tenant.TenantId}/receivers/{receiver.ReceiverId}", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        using var revoked = await receiver.Client.GetAsync(tenant.Endpoint("configuration_endpoint"), Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        using var poll = await receiver.SendAsync(HttpMethod.Post, stream.GetProperty("delivery").GetProperty("endpoint_url").GetString()!, "{}");
        Assert.Equal(HttpStatusCode.Unauthorized, poll.StatusCode);
    }

    [Fact]
    public async Task KeysRotate_PublishesOldAndNewKeys_AndSignsWithTheNewOne()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();
        var streamId = stream.GetProperty("stream_id").GetString()!;
        await receiver.VerifyAsync(streamId, "before");
        var before = await receiver.ValidateSetAsync(TestReceiver.Sets(await receiver.PollAsync(stream)).Single().Token);
        using var admin = server.CreateClient(tenant.Token);

        using var rotated = await admin.PostAsync($"/admin/tenants/{tenant.TenantId}/keys:rotate", content: null, Cancel);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newKid = (await TestTenant.ReadJsonAsync(rotated)).GetProperty("keys")[0].GetProperty("kid").GetString();

        using var anonymous = server.CreateClient();
        var jwks = new JsonWebKeySet(await anonymous.GetStringAsync(tenant.Endpoint("jwks_uri"), Cancel));
        Assert.Contains(jwks.Keys, k => k.Kid == before.Kid);
        Assert.Contains(jwks.Keys, k => k.Kid == newKid);

        var keys = await admin.GetFromJsonElementAsync($"/admin/tenants/{tenant.TenantId}/keys");
        Assert.Contains(keys.EnumerateArray(), k => k.GetProperty("kid").GetString() == before.Kid && k.TryGetProperty("retired_at", out _));

        await receiver.VerifyAsync(streamId, "after");
        var after = await receiver.ValidateSetAsync(TestReceiver.Sets(await receiver.PollAsync(stream)).Single().Token);
        Assert.Equal(newKid, after.Kid);
    }

    [Fact]
    public async Task KeyRotation_IsRateLimited_SoTheJwksStaysBounded()
    {
        // Retired keys stay published for the grace period (queued SETs were signed with them), so rotations stop at
        // SigningKeyRing.MaxRetiredKeysPerAlgorithm retired keys per algorithm instead of dropping keys early.
        var tenant = await TestTenant.CreateAsync(server);
        using var admin = server.CreateClient(tenant.Token);
        for (var i = 0; i < Core.Signing.SigningKeyRing.MaxRetiredKeysPerAlgorithm; i++)
        {
            using var rotated = await admin.PostAsync($"/admin/tenants/{tenant.TenantId}/keys:rotate", content: null, Cancel);
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }

        using var refused = await admin.PostAsync($"/admin/tenants/{tenant.TenantId}/keys:rotate", content: null, Cancel);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.FromDays(6), "until the oldest retired key leaves the JWKS (7-day grace)");
        Assert.Equal("too_many_requests", (await TestTenant.ReadJsonAsync(refused)).GetProperty("error").GetString());
        using var anonymous = server.CreateClient();
        var jwks = new JsonWebKeySet(await anonymous.GetStringAsync(tenant.Endpoint("jwks_uri"), Cancel));
        Assert.Equal(Core.Signing.SigningKeyRing.MaxRetiredKeysPerAlgorithm + 1, jwks.Keys.Count);
    }

    [Fact]
    public async Task ReissuedTokens_Are201WithTheNewToken_AndTheOldOnesStopWorkingAtOnce()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();
        using var admin = server.CreateClient(SetHubServer.AdminToken);

        using var receiverReissue = await admin.PostAsync($"/admin/tenants/{tenant.TenantId}/receivers/{receiver.ReceiverId}/token:reissue", content: null, Cancel);
        using var tenantReissue = await admin.PostAsync($"/admin/tenants/{tenant.TenantId}/token:reissue", content: null, Cancel);
        using var unknown = await admin.PostAsync($"/admin/tenants/{tenant.TenantId}/receivers/no-such-receiver/token:reissue", content: null, Cancel);

        Assert.Equal(HttpStatusCode.Created, receiverReissue.StatusCode);
        Assert.Equal(HttpStatusCode.Created, tenantReissue.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var newReceiverToken = (await TestTenant.ReadJsonAsync(receiverReissue)).GetProperty("token").GetString()!;
        var newTenantToken = (await TestTenant.ReadJsonAsync(tenantReissue)).GetProperty("token").GetString()!;

        // The old receiver token: 401 on the stream it owns; the new one works.
        using var old = await receiver.SendAsync(HttpMethod.Get, $"{tenant.Endpoint("configuration_endpoint")}?stream_id={stream.GetProperty("stream_id").GetString()}");
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        using var fresh = server.CreateClient(newReceiverToken);
        using var read = await fresh.GetAsync($"{tenant.Endpoint("configuration_endpoint")}?stream_id={stream.GetProperty("stream_id").GetString()}", Cancel);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        // The old tenant token: 401 on the tenant's admin API; the new one works.
        using var oldTenant = server.CreateClient(tenant.Token);
        using var refused = await oldTenant.GetAsync($"/admin/tenants/{tenant.TenantId}", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var newTenant = server.CreateClient(newTenantToken);
        using var accepted = await newTenant.GetAsync($"/admin/tenants/{tenant.TenantId}", Cancel);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task UnbindableQueryParameter_Returns400WithJson()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var admin = server.CreateClient(tenant.Token);

        using var response = await admin.GetAsync($"/admin/tenants/{tenant.TenantId}/streams/any/dead-letters?limit=lots", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await TestTenant.ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Tokens_AreStoredOnlyAsHashes()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync();
        var database = await server.ReadStoreAsync(Cancel);

        Assert.DoesNotContain(tenant.Token.Split('.')[1], database, StringComparison.Ordinal);
        Assert.DoesNotContain(receiver.Token.Split('.')[1], database, StringComparison.Ordinal);
    }

    private static string Id(System.Text.Json.JsonElement stream) => stream.GetProperty("stream_id").GetString()!;

    private static string NewTenantId() => "t-" + Guid.NewGuid().ToString("N")[..12];
}
