using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Endpoints;

/// <summary>"Where is my event?": the trace of a publish (by txn) and of one SET (by jti), and a stream's delivery state.</summary>
public sealed class EventTraceTests(SetHubServer server) : PushReceiverTests
{
    [Fact]
    public async Task APublishsSets_AreTracedThroughEveryState_OnEveryStream()
    {
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var pollReceiver = await tenant.AddReceiverAsync();
        var pollStream = await pollReceiver.CreateStreamAsync();
        using var pushReceiver = await tenant.AddReceiverAsync();
        var name = Guid.NewGuid().ToString("N")[..10];
        var pushStream = await pushReceiver.CreatePushStreamAsync(Receiver.Url(name));
        await Receiver.NextAsync(name); // the initial verification
        using var admin = server.CreateClient(tenant.Token);

        var txn = (await tenant.PublishAsync(TestTenant.Event(Alice))).GetProperty("txn").GetString()!;
        var pushed = await pushReceiver.ValidateSetAsync((await Receiver.NextEventAsync(name)).Body);

        // The push SET is delivered with its time; the poll SET waits, then is out with the receiver, then acknowledged.
        var trace = await WaitForAsync(admin, $"/admin/tenants/{tenant.TenantId}/events/{txn}", t => State(t, pushStream) == "delivered");
        Assert.Equal(txn, trace.GetProperty("txn").GetString());
        Assert.Equal(2, trace.GetProperty("sets").GetArrayLength());
        var push = Set(trace, pushStream);
        Assert.Equal(("push", pushed.Id, TestReceiver.SessionRevoked, 1), (push.GetProperty("lane").GetString(), push.GetProperty("jti").GetString(), push.GetProperty("event_type").GetString(), push.GetProperty("attempts").GetInt32()));
        Assert.True(push.TryGetProperty("delivered_at", out _));
        Assert.Equal(("poll", "queued"), (Set(trace, pollStream).GetProperty("lane").GetString(), State(trace, pollStream)));

        var pollView = await admin.GetFromJsonElementAsync($"/admin/tenants/{tenant.TenantId}/streams/{pollStream.GetProperty("stream_id").GetString()}");
        Assert.Equal(0, pollView.GetProperty("delivery_state").GetProperty("consecutive_failures").GetInt32());
        Assert.False(pollView.GetProperty("delivery_state").TryGetProperty("next_retry_at", out _)); // a poll stream has no push backoff

        var (jti, _) = Assert.Single(TestReceiver.Sets(await pollReceiver.PollAsync(pollStream)));
        var inFlight = await admin.GetFromJsonElementAsync($"/admin/tenants/{tenant.TenantId}/sets/{jti}");
        Assert.Equal(("in_flight", txn), (inFlight.GetProperty("state").GetString(), inFlight.GetProperty("txn").GetString()));
        Assert.True(inFlight.TryGetProperty("next_attempt_at", out _)); // when it is handed out again unless acknowledged

        await pollReceiver.PollAsync(pollStream, $$"""{"returnImmediately":true,"maxEvents":0,"ack":["{{jti}}"]}""");
        var acknowledged = await admin.GetFromJsonElementAsync($"/admin/tenants/{tenant.TenantId}/sets/{jti}");
        Assert.Equal("acknowledged", acknowledged.GetProperty("state").GetString());
        Assert.True(acknowledged.TryGetProperty("acknowledged_at", out _));
    }

    [Fact]
    public async Task UnknownTxnOrJti_Is404_AndAnotherTenantsTokenIs403()
    {
        var tenant = await TestTenant.CreateAsync(server);
        var other = await TestTenant.CreateAsync(server);
        using var admin = server.CreateClient(tenant.Token);
        using var intruder = server.CreateClient(other.Token);

        using var noTxn = await admin.GetAsync($"/admin/tenants/{tenant.TenantId}/events/no-such-txn", Cancel);
        using var noJti = await admin.GetAsync($"/admin/tenants/{tenant.TenantId}/sets/no-such-jti", Cancel);
        using var forbidden = await intruder.GetAsync($"/admin/tenants/{tenant.TenantId}/events/any", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, noTxn.StatusCode);
        Assert.Equal("not_found", (await TestTenant.ReadJsonAsync(noTxn)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, noJti.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task AFailingPush_ShowsInTheTraceAndTheStreamsDeliveryState()
    {
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var receiver = await tenant.AddReceiverAsync();
        var name = Guid.NewGuid().ToString("N")[..10];
        var stream = await receiver.CreatePushStreamAsync(Receiver.Url(name));
        await Receiver.NextAsync(name);
        using var admin = server.CreateClient(tenant.Token);
        var streamView = $"/admin/tenants/{tenant.TenantId}/streams/{stream.GetProperty("stream_id").GetString()}";
        // The verification's success is recorded once the hub has read the receiver's answer, a moment after it arrived.
        var healthy = await WaitForAsync(admin, streamView, view => view.GetProperty("delivery_state").TryGetProperty("last_success_at", out _));
        Assert.True(healthy.GetProperty("delivery_state").TryGetProperty("last_success_at", out _));
        Receiver.Script(name, ReceiverBehavior.Unavailable, ReceiverBehavior.Unavailable, ReceiverBehavior.Unavailable, ReceiverBehavior.Unavailable);

        var txn = (await tenant.PublishAsync(TestTenant.Event(Alice))).GetProperty("txn").GetString()!;
        await Receiver.NextAsync(name);

        var failing = await WaitForAsync(admin, streamView, view => view.GetProperty("delivery_state").GetProperty("consecutive_failures").GetInt32() >= 1);
        var state = failing.GetProperty("delivery_state");
        Assert.Contains("503", state.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.True(state.TryGetProperty("next_retry_at", out _));
        var set = Assert.Single(EnumerateSets(await admin.GetFromJsonElementAsync($"/admin/tenants/{tenant.TenantId}/events/{txn}")));
        Assert.Contains(set.GetProperty("state").GetString(), new[] { "queued", "in_flight" });
        Assert.True(set.GetProperty("attempts").GetInt32() >= 1);
        Assert.Contains("503", set.GetProperty("last_error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliveredSets_AreForgottenAfterTheRetention()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sethub-trace", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        const string AdminToken = "sh_adm_trace-test-operator-token";
        await using var node = await SetHubProcess.StartAsync(folder, [
            $"--SetHub:AdminToken={AdminToken}",
            $"--SetHub:MasterKey={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}",
            $"--ConnectionStrings:SetHub=Data Source={Path.Combine(folder, "sethub.db")}",
            "--SetHub:Delivery:TraceRetention=00:00:03",
        ]);
        using var admin = new HttpClient { BaseAddress = node.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        await HttpJson.SendAsync(admin, HttpMethod.Put, "/admin/tenants/acme", """{"default_subjects":"ALL"}""", HttpStatusCode.Created);
        var registered = await HttpJson.SendAsync(admin, HttpMethod.Post, "/admin/tenants/acme/receivers", """{"audience":"https://rp.example.com"}""", HttpStatusCode.Created);
        using var rp = new HttpClient { BaseAddress = node.BaseAddress };
        rp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", registered.GetProperty("token").GetString());
        var stream = await HttpJson.SendAsync(rp, HttpMethod.Post, "/tenants/acme/ssf/streams", $$"""{"events_requested":["{{TestReceiver.SessionRevoked}}"]}""", HttpStatusCode.Created);
        var poll = new Uri(stream.GetProperty("delivery").GetProperty("endpoint_url").GetString()!).PathAndQuery;
        var published = await HttpJson.SendAsync(admin, HttpMethod.Post, "/admin/tenants/acme/events", TestTenant.Event(Alice, txn: "kept-a-while"), HttpStatusCode.Accepted);
        var sets = await HttpJson.SendAsync(rp, HttpMethod.Post, poll, """{"returnImmediately":true}""", HttpStatusCode.OK);
        var jtis = JsonSerializer.Serialize(sets.GetProperty("sets").EnumerateObject().Select(set => set.Name).ToArray());
        await HttpJson.SendAsync(rp, HttpMethod.Post, poll, $$"""{"returnImmediately":true,"maxEvents":0,"ack":{{jtis}} }""", HttpStatusCode.OK);

        var trace = await HttpJson.SendAsync(admin, HttpMethod.Get, "/admin/tenants/acme/events/kept-a-while", null, HttpStatusCode.OK);
        Assert.Equal("acknowledged", Assert.Single(EnumerateSets(trace)).GetProperty("state").GetString());
        Assert.Equal("kept-a-while", published.GetProperty("txn").GetString());

        await Task.Delay(TimeSpan.FromSeconds(3.5), Cancel);
        await HttpJson.SendAsync(admin, HttpMethod.Get, "/admin/tenants/acme/events/kept-a-while", null, HttpStatusCode.NotFound);
    }

    private static JsonElement.ArrayEnumerator EnumerateSets(JsonElement trace) => trace.GetProperty("sets").EnumerateArray();

    private static JsonElement Set(JsonElement trace, JsonElement stream) =>
        EnumerateSets(trace).Single(set => set.GetProperty("stream_id").GetString() == stream.GetProperty("stream_id").GetString());

    private static string? State(JsonElement trace, JsonElement stream) => Set(trace, stream).GetProperty("state").GetString();

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string url, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var answer = await client.GetFromJsonElementAsync(url);
            if (done(answer) || DateTime.UtcNow > deadline)
            {
                return answer;
            }

            await Task.Delay(100, Cancel);
        }
    }
}
