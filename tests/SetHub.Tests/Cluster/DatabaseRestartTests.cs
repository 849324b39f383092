using System.Collections.Concurrent;
using System.Net;
using SetHub.Tests.Infrastructure;
using SetHub.Tests.Shared;

namespace SetHub.Tests.Cluster;

/// <summary>PostgreSQL restarts under a running cluster: the nodes recover on their own, and every event that got a
/// 202 is delivered. Runs on a PostgreSQL server of its own, so the restart disturbs no other test.</summary>
[Collection(nameof(ClusterCollection))]
public sealed class DatabaseRestartTests : IAsyncLifetime
{
    private const int Streams = 5;

    private PrivatePostgres _postgres = null!;
    private SetHubCluster _cluster = null!;
    private TestPushReceiver _receiver = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _postgres = await PrivatePostgres.StartAsync();
        _cluster = await SetHubCluster.StartAsync(_postgres.ConnectionString, 2);
        _receiver = await TestPushReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _cluster.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task AcceptedEvents_AreDelivered_AcrossADatabaseRestart()
    {
        using (var admin = _cluster.Client(0))
        {
            await HttpJson.SendAsync(admin, HttpMethod.Put, "/admin/tenants/acme", """{"default_subjects":"ALL"}""", HttpStatusCode.Created);
            for (var i = 0; i < Streams; i++)
            {
                var receiver = await HttpJson.SendAsync(admin, HttpMethod.Post, "/admin/tenants/acme/receivers", $$"""{"audience":"https://rp-{{i}}.example.com"}""", HttpStatusCode.Created);
                using var rp = _cluster.Client(0, receiver.GetProperty("token").GetString());
                await HttpJson.SendAsync(rp, HttpMethod.Post, "/tenants/acme/ssf/streams",
                    $$"""{"events_requested":["{{TestReceiver.SessionRevoked}}"],"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"{{_receiver.Url("restart")}}"} }""",
                    HttpStatusCode.Created);
            }
        }

        // Publish steadily through both nodes; only what gets a 202 counts as accepted.
        var accepted = new ConcurrentBag<string>();
        var refused = 0;
        using var stop = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            using var nodes = new ClientPair(_cluster.Client(0), _cluster.Client(1));
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await nodes[i % 2].PostAsync("/admin/tenants/acme/events", TestTenant.Json(
                        $$$"""{"events":{"{{{TestReceiver.SessionRevoked}}}":{}},"sub_id":{"format":"opaque","id":"u-{{{i}}}"},"txn":"restart-{{{i}}}"}"""), CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        accepted.Add($"restart-{i}");
                    }
                    else
                    {
                        Interlocked.Increment(ref refused);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref refused);
                }

                await Task.Delay(20, CancellationToken.None);
            }
        }, CancellationToken.None);

        // Restart once events flow, and stop once events are accepted again: the nodes recovered on their own.
        await SetHubCluster.WaitForAsync(() => accepted.Count >= 20, "events to be accepted before the restart");
        await _postgres.RestartAsync();
        var acceptedBeforeRecovery = accepted.Count;
        await SetHubCluster.WaitForAsync(() => accepted.Count >= acceptedBeforeRecovery + 20, "events to be accepted again after the restart");
        await stop.CancelAsync();
        await publisher;

        // Every accepted event reaches every stream, with the nodes left to recover on their own.
        var expected = accepted.Count * Streams;
        var delivered = new Dictionary<string, int>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (delivered.Values.Sum() < expected && DateTime.UtcNow < deadline)
        {
            var push = await _receiver.NextAsync("restart", TimeSpan.FromSeconds(60));
            if (TxnOf(push.Body) is { } txn && accepted.Contains(txn))
            {
                delivered[$"{txn}/{AudienceOf(push.Body)}"] = 1;
            }
        }

        Assert.Equal(expected, delivered.Count);
        foreach (var node in _cluster.Nodes)
        {
            using var client = new HttpClient { BaseAddress = node.BaseAddress };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz", Cancel)).StatusCode);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{accepted.Count} events accepted, {refused} refused while the database restarted; all delivered.");
    }

    private static string? TxnOf(string set) => CompactSets.Claim(set, "txn");

    private static string? AudienceOf(string set) => CompactSets.Claim(set, "aud");

    private sealed class ClientPair(HttpClient first, HttpClient second) : IDisposable
    {
        public HttpClient this[int index] => index == 0 ? first : second;

        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }
}
