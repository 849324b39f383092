using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Delivery;

/// <summary>A 202 from the publish API means durable: the SETs survive the node being killed.</summary>
public sealed class DurabilityTests : IAsyncLifetime
{
    private const string AdminToken = "sh_adm_durability-test-operator-token";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sethub-durability", Guid.NewGuid().ToString("N"));
    private TestPushReceiver _receiver = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _receiver = await TestPushReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    [Fact]
    public async Task AcceptedEvents_AreDelivered_AfterTheNodeIsKilledAndRestarted()
    {
        string[] settings =
        [
            $"--SetHub:AdminToken={AdminToken}",
            $"--SetHub:MasterKey={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}",
            $"--ConnectionStrings:SetHub=Data Source={Path.Combine(_folder, "sethub.db")}",
            "--SetHub:Delivery:AllowPrivateEndpoints=true",
            "--SetHub:Delivery:RetryBaseDelay=00:00:00.100",
            "--SetHub:Delivery:MaxRetryDelay=00:00:00.300",
        ];
        var endpoint = _receiver.Url("durable", ReceiverBehavior.Unavailable);
        const int Events = 25;

        var first = await SetHubProcess.StartAsync(_folder, settings);
        var port = first.Port;
        using (var admin = Client(first, AdminToken))
        {
            var tenant = await HttpJson.SendAsync(admin, HttpMethod.Put, "/admin/tenants/acme", """{"default_subjects":"ALL"}""", HttpStatusCode.Created);
            var receiver = await HttpJson.SendAsync(admin, HttpMethod.Post, "/admin/tenants/acme/receivers", """{"audience":"https://rp.example.com"}""", HttpStatusCode.Created);
            using var rp = Client(first, receiver.GetProperty("token").GetString()!);
            await HttpJson.SendAsync(rp, HttpMethod.Post, "/tenants/acme/ssf/streams",
                $$"""{"events_requested":["https://schemas.openid.net/secevent/caep/event-type/session-revoked"],"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"{{endpoint}}"} }""",
                HttpStatusCode.Created);
            for (var i = 0; i < Events; i++)
            {
                var published = await HttpJson.SendAsync(admin, HttpMethod.Post, "/admin/tenants/acme/events",
                    $$$"""{"events":{"https://schemas.openid.net/secevent/caep/event-type/session-revoked":{}},"sub_id":{"format":"opaque","id":"user-{{{i}}}"},"txn":"txn-{{{i}}}"}""",
                    HttpStatusCode.Accepted);
                Assert.Equal(1, published.GetProperty("streams").GetInt32());
            }

            Assert.NotNull(tenant.GetProperty("issuer").GetString());
        }

        // The receiver has been refusing everything, so all 25 SETs are still queued when the node dies.
        first.Kill();
        await first.DisposeAsync();
        _receiver.Script("durable", ReceiverBehavior.Accept);

        await using var second = await SetHubProcess.StartAsync(_folder, settings, port);
        var delivered = new HashSet<string>(StringComparer.Ordinal);
        while (delivered.Count < Events)
        {
            var push = await _receiver.NextAsync("durable", TimeSpan.FromSeconds(30));
            if (push.Answer == ReceiverBehavior.Accept && TxnOf(push.Body) is { } txn)
            {
                delivered.Add(txn);
            }
        }

        Assert.Equal(Enumerable.Range(0, Events).Select(i => $"txn-{i}").Order(), delivered.Order());
    }

    // The txn of a published event's SET; null for the hub's own control SETs (the stream's first verification).
    private static string? TxnOf(string set)
    {
        using var payload = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(set.Split('.')[1]));
        var claims = payload.RootElement;
        return claims.GetProperty("events").TryGetProperty("https://schemas.openid.net/secevent/caep/event-type/session-revoked", out _)
            ? claims.GetProperty("txn").GetString()
            : null;
    }

    private static HttpClient Client(SetHubProcess node, string token)
    {
        var client = new HttpClient { BaseAddress = node.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
