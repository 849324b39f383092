using System.Text.Json;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Delivery;

/// <summary>Push retries over time, on a node of its own with a short MaxDeliveryAge and a roomy MaxRetryDelay.</summary>
public sealed class PushRetryScheduleTests : IAsyncLifetime
{
    private const string Alice = """{"format":"email","email":"alice@example.com"}""";

    private readonly RetryServer _server = new();
    private TestPushReceiver _receiver = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _server.InitializeAsync();
        _receiver = await TestPushReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Push_NeverAccepted_IsRetriedThenDeadLetteredWithItsLastError()
    {
        // interface.md: after MaxDeliveryAge an undelivered SET is dead-lettered with its last error.
        var (tenant, stream, name) = await NewPushStreamAsync();
        _receiver.Script(name, ReceiverBehavior.Unavailable);
        await tenant.PublishAsync(TestTenant.Event(Alice));

        JsonElement letters;
        var attempts = 0;
        do
        {
            Assert.True(++attempts < 100, "the SET was never dead-lettered");
            await Task.Delay(200, Cancel);
            letters = await DeadLettersAsync(tenant, stream);
        }
        while (letters.GetArrayLength() == 0);

        var letter = Assert.Single(letters.EnumerateArray());
        var error = letter.GetProperty("last_error").GetString()!;
        Assert.StartsWith("expired: not delivered within the maximum delivery age", error, StringComparison.Ordinal);
        Assert.EndsWith("last error: HTTP 503", error, StringComparison.Ordinal);
        Assert.True(letter.GetProperty("attempts").GetInt32() >= 2, "retried before it was given up");
    }

    [Fact]
    public async Task Push_RetryAfter_IsHonoured()
    {
        // RFC 9110 §10.2.3: the receiver asked for 1 s; the base delay alone would retry after 0.1 s.
        var (tenant, _, name) = await NewPushStreamAsync();
        _receiver.Script(name, ReceiverBehavior.TooManyRequests, ReceiverBehavior.Accept);
        await tenant.PublishAsync(TestTenant.Event(Alice));

        var refused = await _receiver.NextAsync(name);
        var retried = await _receiver.NextAsync(name);

        Assert.Equal(refused.Body, retried.Body);
        Assert.True(retried.At - refused.At >= TimeSpan.FromSeconds(0.95), $"retried {retried.At - refused.At} after a Retry-After of 1 s");
    }

    private async Task<(TestTenant Tenant, JsonElement Stream, string Name)> NewPushStreamAsync()
    {
        var tenant = await TestTenant.CreateAsync(_server, """{"default_subjects":"ALL"}""");
        var receiver = await tenant.AddReceiverAsync();
        var name = Guid.NewGuid().ToString("N")[..10];
        var stream = await receiver.CreateStreamAsync(
            $$"""{"events_requested":["{{TestReceiver.SessionRevoked}}"],"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"{{_receiver.Url(name)}}"} }""");
        await _receiver.NextAsync(name); // the verification SetHub sends every new stream
        return (tenant, stream, name);
    }

    private async Task<JsonElement> DeadLettersAsync(TestTenant tenant, JsonElement stream)
    {
        using var admin = _server.CreateClient(tenant.Token);
        return await admin.GetFromJsonElementAsync($"/admin/tenants/{tenant.TenantId}/streams/{stream.GetProperty("stream_id").GetString()}/dead-letters");
    }

    private sealed class RetryServer : SetHubServer
    {
        protected override IEnumerable<string> Settings =>
        [
            "--SetHub:Delivery:MaxDeliveryAge=00:00:02",
            "--SetHub:Delivery:MaxRetryDelay=00:00:05",
        ];
    }
}
