using System.Net;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Endpoints;

/// <summary>The operator's tenant calls: disabling a tenant (its SSF endpoints and publish API answer 403, nothing of it
/// is delivered, its data stays) and deleting one (everything it owns goes; its discovery and JWKS answer 404).</summary>
public sealed class TenantLifecycleTests(SetHubServer server) : PushReceiverTests
{
    [Fact]
    public async Task DisabledTenant_Answers403Everywhere_DeliversNothing_AndResumesWhenEnabled()
    {
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var receiver = await tenant.AddReceiverAsync();
        var name = Guid.NewGuid().ToString("N")[..10];
        var stream = await receiver.CreatePushStreamAsync(Receiver.Url(name));
        await Receiver.NextAsync(name); // the initial verification
        var streamAdmin = $"/admin/tenants/{tenant.TenantId}/streams/{stream.GetProperty("stream_id").GetString()}";
        using var admin = server.CreateClient(SetHubServer.AdminToken);

        // An event waits in the paused stream; the tenant is disabled; the stream is enabled again by the operator.
        await ChangeStatusAsync(admin, streamAdmin, "paused");
        await Receiver.NextAsync(name); // the stream-updated SET that announces the pause
        var queued = await tenant.PublishAsync(TestTenant.Event(Alice));
        using var disable = await admin.PutAsync($"/admin/tenants/{tenant.TenantId}", TestTenant.Json("""{"disabled":true}"""), Cancel);
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.True((await TestTenant.ReadJsonAsync(disable)).GetProperty("disabled").GetBoolean());
        await ChangeStatusAsync(admin, streamAdmin, "enabled");

        // Its SSF endpoints, its token and publishing (even by the operator) answer 403 with a JSON body; its JWKS stays.
        using var anonymous = server.CreateClient();
        await AssertForbiddenAsync(await anonymous.GetAsync($"/.well-known/ssf-configuration/tenants/{tenant.TenantId}", Cancel));
        await AssertForbiddenAsync(await receiver.SendAsync(HttpMethod.Get, tenant.Endpoint("configuration_endpoint")));
        await AssertForbiddenAsync(await receiver.SendAsync(HttpMethod.Post, tenant.Endpoint("verification_endpoint"), $$"""{"stream_id":"{{stream.GetProperty("stream_id").GetString()}}"}"""));
        await AssertForbiddenAsync(await tenant.PostPublishAsync(TestTenant.Event(Alice)));
        await AssertForbiddenAsync(await admin.PostAsync($"/admin/tenants/{tenant.TenantId}/events", TestTenant.Json(TestTenant.Event(Alice)), Cancel));
        using var tenantAdmin = server.CreateClient(tenant.Token);
        await AssertForbiddenAsync(await tenantAdmin.PutAsync($"/admin/tenants/{tenant.TenantId}", TestTenant.Json("""{"disabled":false}"""), Cancel));
        using var jwks = await anonymous.GetAsync(tenant.Endpoint("jwks_uri"), Cancel);
        Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);

        // Nothing is delivered, and the data stays.
        await Receiver.AssertNothingAsync(name, TimeSpan.FromSeconds(3));
        var view = await admin.GetFromJsonElementAsync(streamAdmin);
        Assert.True(view.GetProperty("queue").GetProperty("queued").GetInt32() >= 1);

        // Enabled again: what waited is delivered at once, with the txn the publish answered.
        using var enable = await admin.PutAsync($"/admin/tenants/{tenant.TenantId}", TestTenant.Json("""{"disabled":false}"""), Cancel);
        Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        var txn = queued.GetProperty("txn").GetString();
        var delivered = await Receiver.NextEventAsync(name, TimeSpan.FromSeconds(10));
        Assert.Equal(txn, TestReceiver.Claim(await receiver.ValidateSetAsync(delivered.Body), "txn").GetString());
        using var readAgain = await receiver.SendAsync(HttpMethod.Get, tenant.Endpoint("configuration_endpoint"));
        Assert.Equal(HttpStatusCode.OK, readAgain.StatusCode);
    }

    [Theory]
    [InlineData("""{"disabled":"yes"}""")]
    [InlineData("""{"disabled":1}""")]
    [InlineData("""{"disabled":null}""")]
    public async Task Disabled_MustBeABoolean(string body)
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var admin = server.CreateClient(SetHubServer.AdminToken);

        using var response = await admin.PutAsync($"/admin/tenants/{tenant.TenantId}", TestTenant.Json(body), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("disabled", (await TestTenant.ReadJsonAsync(response)).GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletedTenant_IsGoneWithEverythingItOwned_AndItsIdCanBeUsedAgain()
    {
        var marker = Guid.NewGuid().ToString("N");
        var tenant = await TestTenant.CreateAsync(server, $$"""{"default_subjects":"NONE","display_name":"display-{{marker}}"}""");
        using var receiver = await tenant.AddReceiverAsync(audience: $"https://aud-{marker}.example.com");
        var stream = await receiver.CreateStreamAsync($$"""{"events_requested":["{{TestReceiver.SessionRevoked}}"],"description":"description-{{marker}}"}""");
        var subject = $$"""{"format":"email","email":"subject-{{marker}}@example.com"}""";
        using (var added = await receiver.SendAsync(HttpMethod.Post, tenant.Endpoint("add_subject_endpoint"), $$"""{"stream_id":"{{stream.GetProperty("stream_id").GetString()}}","subject":{{subject}} }"""))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        await tenant.PublishAsync(TestTenant.Event(subject));
        await tenant.PublishAsync(TestTenant.Event(subject, "https://schemas.openid.net/secevent/risc/event-type/opt-out-effective"));
        using var admin = server.CreateClient(SetHubServer.AdminToken);

        // Only the operator deletes.
        using (var byTenant = server.CreateClient(tenant.Token))
        using (var refused = await byTenant.DeleteAsync($"/admin/tenants/{tenant.TenantId}", Cancel))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var deleted = await admin.DeleteAsync($"/admin/tenants/{tenant.TenantId}", Cancel);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var anonymous = server.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(tenant.Endpoint("jwks_uri"), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/.well-known/ssf-configuration/tenants/{tenant.TenantId}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await receiver.SendAsync(HttpMethod.Get, tenant.Endpoint("configuration_endpoint"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/tenants/{tenant.TenantId}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/admin/tenants/{tenant.TenantId}", Cancel)).StatusCode);
        var tenants = await admin.GetFromJsonElementAsync("/admin/tenants");
        Assert.DoesNotContain(tenants.EnumerateArray(), listed => listed.GetProperty("tenant_id").GetString() == tenant.TenantId);

        // Nothing it owned is left in the store: settings, receivers, streams, subjects, opt-outs, SETs.
        var store = await server.ReadStoreAsync(Cancel, rowsOnly: true);
        Assert.DoesNotContain(marker, store, StringComparison.Ordinal);

        // The id is free again, and the new tenant starts empty: no streams, and the old opt-out does not hold.
        using var recreated = await admin.PutAsync($"/admin/tenants/{tenant.TenantId}", TestTenant.Json("""{"default_subjects":"ALL"}"""), Cancel);
        Assert.Equal(HttpStatusCode.Created, recreated.StatusCode);
        var streams = await admin.GetFromJsonElementAsync($"/admin/tenants/{tenant.TenantId}/streams");
        Assert.Equal(0, streams.GetArrayLength());
        var token = (await TestTenant.ReadJsonAsync(recreated)).GetProperty("token").GetString()!;
        using var newAdmin = server.CreateClient(token);
        using var newReceiverResponse = await newAdmin.PostAsync($"/admin/tenants/{tenant.TenantId}/receivers", TestTenant.Json("""{"name":"again","audience":"https://again.example.com"}"""), Cancel);
        var newReceiver = await TestTenant.ReadJsonAsync(newReceiverResponse);
        using var newReceiverClient = server.CreateClient(newReceiver.GetProperty("token").GetString()!);
        using var newStreamResponse = await newReceiverClient.PostAsync(tenant.Endpoint("configuration_endpoint"), TestTenant.Json($$"""{"events_requested":["{{TestReceiver.SessionRevoked}}"]}"""), Cancel);
        Assert.Equal(HttpStatusCode.Created, newStreamResponse.StatusCode);
        using var published = await newAdmin.PostAsync($"/admin/tenants/{tenant.TenantId}/events", TestTenant.Json(TestTenant.Event(subject)), Cancel);
        Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
        Assert.Equal(1, (await TestTenant.ReadJsonAsync(published)).GetProperty("streams").GetInt32());
    }

    private static async Task ChangeStatusAsync(HttpClient admin, string streamAdmin, string status)
    {
        using var response = await admin.PostAsync($"{streamAdmin}/status", TestTenant.Json($$"""{"status":"{{status}}"}"""), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task AssertForbiddenAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var body = await TestTenant.ReadJsonAsync(response);
            Assert.Contains("disabled", body.GetProperty("description").GetString(), StringComparison.OrdinalIgnoreCase);
        }
    }
}
