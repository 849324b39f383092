using System.Net;
using System.Text.Json;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Delivery;

/// <summary>Transmitter-initiated status changes, inactivity timeouts and verification limits (SSF 1.0 §8.1.1,
/// §8.1.2, §8.1.4, §8.1.5).</summary>
public sealed class StreamLifecycleTests(SetHubServer server)
{
    private const string StreamUpdated = "https://schemas.openid.net/secevent/ssf/event-type/stream-updated";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheOperatorListsAStreamsSubjects_APageAtATime()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();
        for (var i = 0; i < 5; i++)
        {
            using var added = await receiver.SendAsync(HttpMethod.Post, tenant.Endpoint("add_subject_endpoint"),
                $$"""{"stream_id":"{{Id(stream)}}","subject":{"format":"email","email":"user{{i}}@example.com"},"verified":false}""");
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        using var admin = server.CreateClient(SetHubServer.AdminToken);
        var emails = new List<string>();
        var url = $"/admin/tenants/{tenant.TenantId}/streams/{Id(stream)}/subjects?limit=2";
        var pages = 0;
        while (true)
        {
            var page = await admin.GetFromJsonElementAsync(url);
            pages++;
            foreach (var subject in page.GetProperty("subjects").EnumerateArray())
            {
                emails.Add(subject.GetProperty("subject").GetProperty("email").GetString()!);
                Assert.False(subject.GetProperty("verified").GetBoolean());
            }

            if (!page.TryGetProperty("next_cursor", out var next))
            {
                break; // the last page has none
            }

            url = $"/admin/tenants/{tenant.TenantId}/streams/{Id(stream)}/subjects?limit=2&cursor={next.GetString()}";
        }

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"user{i}@example.com").Order(), emails.Order());
        Assert.Equal(3, pages);
        using var missing = await admin.GetAsync($"/admin/tenants/{tenant.TenantId}/streams/no-such-stream/subjects", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task TheOperatorDeletesAStream_204_AndItsReceiverThenGets404()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();
        using var admin = server.CreateClient(SetHubServer.AdminToken);

        using var deleted = await admin.DeleteAsync($"/admin/tenants/{tenant.TenantId}/streams/{Id(stream)}", Cancel);
        using var again = await admin.DeleteAsync($"/admin/tenants/{tenant.TenantId}/streams/{Id(stream)}", Cancel);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using var read = await receiver.SendAsync(HttpMethod.Get, $"{tenant.Endpoint("configuration_endpoint")}?stream_id={Id(stream)}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        using var poll = await receiver.SendAsync(HttpMethod.Post, stream.GetProperty("delivery").GetProperty("endpoint_url").GetString()!, """{"returnImmediately":true}""");
        Assert.Equal(HttpStatusCode.NotFound, poll.StatusCode);
    }

    [Fact]
    public async Task OperatorStatusChange_IsAnnouncedWithAStreamUpdatedSet()
    {
        // R118: stream-updated before stopping, and upon re-enabling.
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();
        using var admin = server.CreateClient(tenant.Token);

        using var paused = await admin.PostAsync($"/admin/tenants/{tenant.TenantId}/streams/{Id(stream)}/status", TestTenant.Json("""{"status":"paused","reason":"maintenance"}"""), Cancel);
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);

        var status = await receiver.Client.GetFromJsonElementAsync($"{receiver.Tenant.Endpoint("status_endpoint")}?stream_id={Id(stream)}");
        Assert.Equal("paused", status.GetProperty("status").GetString());
        Assert.Equal("maintenance", status.GetProperty("reason").GetString());

        var announcement = await receiver.ValidateSetAsync(TestReceiver.Sets(await receiver.PollAsync(stream)).Single().Token);
        var (type, payload) = TestReceiver.Event(announcement);
        Assert.Equal(StreamUpdated, type);
        Assert.Equal("paused", payload.GetProperty("status").GetString());
        Assert.Equal("maintenance", payload.GetProperty("reason").GetString());
        var subject = TestReceiver.Claim(announcement, "sub_id");
        Assert.Equal("opaque", subject.GetProperty("format").GetString());
        Assert.Equal(Id(stream), subject.GetProperty("id").GetString());

        using var enabled = await admin.PostAsync($"/admin/tenants/{tenant.TenantId}/streams/{Id(stream)}/status", TestTenant.Json("""{"status":"enabled"}"""), Cancel);
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        var reenabled = await receiver.ValidateSetAsync(TestReceiver.Sets(await receiver.PollAsync(stream)).Single().Token);
        Assert.Equal("enabled", TestReceiver.Event(reenabled).Payload.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ReceiverStatusChange_SendsNoStreamUpdatedSet()
    {
        // SSF 1.0 §8.1.2: the event is for changes the transmitter makes on its own (A11).
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();

        using var response = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("status_endpoint"), $$"""{"stream_id":"{{Id(stream)}}","status":"paused"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(TestReceiver.Sets(await receiver.PollAsync(stream)));
    }

    [Fact]
    public async Task InactivityTimeout_PausesTheStream_AndAnnouncesIt()
    {
        var tenant = await TestTenant.CreateAsync(server, """{"inactivity_timeout":1}""");
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();
        Assert.Equal(1, stream.GetProperty("inactivity_timeout").GetInt32()); // transmitter-supplied (R92)

        var status = await WaitForStatusAsync(tenant, stream, "paused", TimeSpan.FromSeconds(10));

        Assert.Equal("inactivity_timeout", status.GetProperty("reason").GetString());
        var (type, payload) = TestReceiver.Event(await receiver.ValidateSetAsync(TestReceiver.Sets(await receiver.PollAsync(stream)).Single().Token));
        Assert.Equal(StreamUpdated, type);
        Assert.Equal("paused", payload.GetProperty("status").GetString());
    }

    [Fact]
    public async Task InactivityTimeout_IsRestartedByPolling()
    {
        // SSF 1.0 §8.1.1: for poll streams, polling is receiver activity.
        // Polls every 0.3 s for longer than the 4 s timeout: the stream stays enabled (upkeep runs every 0.2 s).
        var tenant = await TestTenant.CreateAsync(server, """{"inactivity_timeout":4}""");
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();

        for (var i = 0; i < 17; i++)
        {
            await receiver.PollAsync(stream);
            await Task.Delay(300, Cancel);
        }

        Assert.Equal("enabled", (await ReadAdminStreamAsync(tenant, stream)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task MinVerificationInterval_RefusesRequestsTooClose_WithRetryAfter()
    {
        // R121: sooner than the interval gets 429; the verification SetHub sent on creation does not count.
        var tenant = await TestTenant.CreateAsync(server, """{"min_verification_interval":60}""");
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();
        Assert.Equal(60, stream.GetProperty("min_verification_interval").GetInt32());

        await receiver.VerifyAsync(Id(stream), "first");
        using var second = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("verification_endpoint"), $$"""{"stream_id":"{{Id(stream)}}","state":"second"}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), second.Headers.RetryAfter?.Delta);
        Assert.Equal("too_many_requests", (await TestTenant.ReadJsonAsync(second)).GetProperty("error").GetString());
        Assert.Single(TestReceiver.Sets(await receiver.PollAsync(stream)));
    }

    [Fact]
    public async Task DeadLetters_OfAPollStreamNobodyPolls_AfterMaxDeliveryAge()
    {
        await using var shortLived = new ShortDeliveryAgeServer();
        await shortLived.InitializeAsync();
        var tenant = await TestTenant.CreateAsync(shortLived, """{"default_subjects":"ALL"}""");
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();
        await tenant.PublishAsync(TestTenant.Event("""{"format":"opaque","id":"u-1"}"""));
        using var admin = shortLived.CreateClient(tenant.Token);

        JsonElement letters = default;
        for (var i = 0; i < 50; i++)
        {
            letters = await admin.GetFromJsonElementAsync($"/admin/tenants/{tenant.TenantId}/streams/{Id(stream)}/dead-letters");
            if (letters.GetArrayLength() > 0)
            {
                break;
            }

            await Task.Delay(200, Cancel);
        }

        var letter = Assert.Single(letters.EnumerateArray());
        Assert.StartsWith("expired", letter.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Empty(TestReceiver.Sets(await receiver.PollAsync(stream)));
        var queue = (await ReadAdminStreamAsync(tenant, stream, admin)).GetProperty("queue");
        Assert.Equal(1, queue.GetProperty("dead_lettered").GetInt32());
    }

    private sealed class ShortDeliveryAgeServer : SetHubServer
    {
        protected override IEnumerable<string> Settings => ["--SetHub:Delivery:MaxDeliveryAge=00:00:01"];
    }

    private async Task<JsonElement> WaitForStatusAsync(TestTenant tenant, JsonElement stream, string status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement current;
        do
        {
            current = await ReadAdminStreamAsync(tenant, stream);
            if (current.GetProperty("status").GetString() == status)
            {
                return current;
            }

            await Task.Delay(100, Cancel);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"The stream is still {current.GetProperty("status").GetString()}, not {status}.");
        return current;
    }

    private async Task<JsonElement> ReadAdminStreamAsync(TestTenant tenant, JsonElement stream, HttpClient? client = null)
    {
        using var admin = server.CreateClient(tenant.Token);
        return await (client ?? admin).GetFromJsonElementAsync($"/admin/tenants/{tenant.TenantId}/streams/{Id(stream)}");
    }

    private static string Id(JsonElement stream) => stream.GetProperty("stream_id").GetString()!;
}
