using System.Net;
using System.Text.Json;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Delivery;

/// <summary>The publish API's <c>Idempotency-Key</c>: a retry answers the first answer and queues nothing new; the key
/// with another body is a 422.</summary>
public sealed class IdempotentPublishTests(SetHubServer server)
{
    private const string Alice = """{"format":"email","email":"alice@example.com"}""";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Retry_WithTheSameKey_AnswersTheFirstAnswer_AndQueuesNothingNew()
    {
        var (tenant, receiver, stream) = await NewPollStreamAsync();
        var key = Guid.NewGuid().ToString();
        var body = TestTenant.Event(Alice); // no txn: the first answer's generated txn must come back

        using var first = await PublishAsync(tenant, body, key);
        using var retry = await PublishAsync(tenant, body, key);
        using var quoted = await PublishAsync(tenant, body, $"\"{key}\""); // the draft's Structured Field string form

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var answer = await TestTenant.ReadJsonAsync(first);
        Assert.Equal(1, answer.GetProperty("streams").GetInt32());
        foreach (var again in new[] { retry, quoted })
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
            Assert.Equal("true", Assert.Single(again.Headers.GetValues("Idempotent-Replayed")));
            Assert.Equal(answer.GetRawText(), (await TestTenant.ReadJsonAsync(again)).GetRawText());
        }

        var set = Assert.Single(TestReceiver.Sets(await receiver.PollAsync(stream)));
        Assert.Equal(answer.GetProperty("txn").GetString(), TestReceiver.Claim(await receiver.ValidateSetAsync(set.Token), "txn").GetString());
    }

    [Fact]
    public async Task TheSameKey_WithAnotherBody_Is422_AndQueuesNothing()
    {
        var (tenant, _, stream) = await NewPollStreamAsync();
        var key = Guid.NewGuid().ToString();
        using var first = await PublishAsync(tenant, TestTenant.Event(Alice, txn: "txn-1"), key);
        using var admin = server.CreateClient(tenant.Token);
        var streamView = $"/admin/tenants/{tenant.TenantId}/streams/{stream.GetProperty("stream_id").GetString()}";
        var before = (await admin.GetFromJsonElementAsync(streamView)).GetProperty("queue").GetProperty("queued").GetInt32();

        using var other = await PublishAsync(tenant, TestTenant.Event(Alice, txn: "txn-2"), key);

        Assert.Equal((HttpStatusCode)422, other.StatusCode);
        var error = await TestTenant.ReadJsonAsync(other);
        Assert.Equal("invalid_request", error.GetProperty("error").GetString());
        Assert.Contains("Idempotency-Key", error.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(error.TryGetProperty("request_id", out _));
        Assert.Equal(1, before);
        Assert.Equal(before, (await admin.GetFromJsonElementAsync(streamView)).GetProperty("queue").GetProperty("queued").GetInt32());
    }

    [Fact]
    public async Task Keys_AreTenantScoped()
    {
        var (first, _, _) = await NewPollStreamAsync();
        var (second, _, _) = await NewPollStreamAsync();
        var key = Guid.NewGuid().ToString();

        using var one = await PublishAsync(first, TestTenant.Event(Alice, txn: "same"), key);
        using var two = await PublishAsync(second, TestTenant.Event(Alice, txn: "other"), key);

        Assert.Equal(HttpStatusCode.Accepted, two.StatusCode);
        Assert.False(two.Headers.Contains("Idempotent-Replayed"));
    }

    [Theory]
    [InlineData("with space")]
    [InlineData("")]
    public async Task AMalformedKey_Is400(string key)
    {
        var (tenant, _, _) = await NewPollStreamAsync();

        using var response = await PublishAsync(tenant, TestTenant.Event(Alice), key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Idempotency-Key", (await TestTenant.ReadJsonAsync(response)).GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoKeys_Are400()
    {
        var (tenant, _, _) = await NewPollStreamAsync();
        using var client = server.CreateClient(tenant.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/tenants/{tenant.TenantId}/events") { Content = TestTenant.Json(TestTenant.Event(Alice)) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", ["a", "b"]);

        using var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ARefusedPublish_DoesNotHoldItsKey()
    {
        var (tenant, _, _) = await NewPollStreamAsync();
        using var admin = server.CreateClient(SetHubServer.AdminToken);
        var key = Guid.NewGuid().ToString();
        using (var disable = await admin.PutAsync($"/admin/tenants/{tenant.TenantId}", TestTenant.Json("""{"disabled":true}"""), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        }

        using var refused = await PublishAsync(tenant, TestTenant.Event(Alice), key, admin);
        using (var enable = await admin.PutAsync($"/admin/tenants/{tenant.TenantId}", TestTenant.Json("""{"disabled":false}"""), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        }

        using var accepted = await PublishAsync(tenant, TestTenant.Event(Alice), key, admin);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.False(accepted.Headers.Contains("Idempotent-Replayed"));
    }

    private async Task<(TestTenant Tenant, TestReceiver Receiver, JsonElement Stream)> NewPollStreamAsync()
    {
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();
        return (tenant, receiver, stream);
    }

    private async Task<HttpResponseMessage> PublishAsync(TestTenant tenant, string body, string key, HttpClient? client = null)
    {
        using var own = client is null ? server.CreateClient(tenant.Token) : null;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/tenants/{tenant.TenantId}/events") { Content = TestTenant.Json(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await (client ?? own!).SendAsync(request, Cancel);
    }
}
