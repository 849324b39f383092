using System.Net;
using System.Text.Json;
using SetHub.Tests.Infrastructure;
using SetHub.Tests.Shared;

namespace SetHub.Tests.Cluster;

/// <summary>Cluster tests run one at a time: each starts several SetHub processes.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class ClusterCollection;

/// <summary>
/// Three SetHub processes on one PostgreSQL database: any node answers any request, long polls wake across nodes,
/// caches follow changes made elsewhere, and pushes survive a node killed mid-run.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class ClusterTests : IAsyncLifetime
{
    private const string SessionRevoked = TestReceiver.SessionRevoked;

    private string _database = string.Empty;
    private SetHubCluster _cluster = null!;
    private TestPushReceiver _receiver = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var (name, connectionString) = await PostgresTestServer.CreateDatabaseAsync("cluster");
        _database = name;
        // Long polls here wait for ten minutes and never re-check on their own: only a notification can wake them.
        // Caches live for ten minutes, so only an invalidation from another node can refresh them within a test.
        _cluster = await SetHubCluster.StartAsync(
            connectionString, 3, "--SetHub:Poll:LongPollTimeout=00:10:00", "--SetHub:Poll:RecheckInterval=00:10:00");
        _receiver = await TestPushReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _cluster.DisposeAsync();
        await PostgresTestServer.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task AnyNode_AnswersAnyRequest()
    {
        var (receiverToken, _) = await CreateTenantAsync(0, "acme");
        using var viaNode1 = _cluster.Client(1, receiverToken);
        using var viaNode2 = _cluster.Client(2, receiverToken);

        var stream = await HttpJson.SendAsync(viaNode1, HttpMethod.Post, "/tenants/acme/ssf/streams", $$"""{"events_requested":["{{SessionRevoked}}"]}""", HttpStatusCode.Created);
        var pollUrl = stream.GetProperty("delivery").GetProperty("endpoint_url").GetString()!;
        await AcknowledgeAllAsync(viaNode2, pollUrl); // the creation verification
        await PublishAsync(0, "acme", "user-1", "txn-a");

        var sets = await HttpJson.SendAsync(viaNode2, HttpMethod.Post, new Uri(pollUrl).PathAndQuery, """{"returnImmediately":true}""", HttpStatusCode.OK);
        Assert.Single(sets.GetProperty("sets").EnumerateObject());

        // Changed through node 2, read through node 0 and node 1 at once.
        await HttpJson.SendAsync(viaNode2, HttpMethod.Patch, "/tenants/acme/ssf/streams", $$"""{"stream_id":"{{Id(stream)}}","description":"changed on node 2"}""", HttpStatusCode.OK);
        foreach (var node in new[] { 0, 1 })
        {
            using var client = _cluster.Client(node, receiverToken);
            var read = await HttpJson.SendAsync(client, HttpMethod.Get, $"/tenants/acme/ssf/streams?stream_id={Id(stream)}", null, HttpStatusCode.OK);
            Assert.Equal("changed on node 2", read.GetProperty("description").GetString());
        }

        // An Idempotency-Key used on node 0 is known to nodes 1 and 2: they answer the first answer and queue nothing.
        var body = $$"""{"events":{"{{SessionRevoked}}":{} },"sub_id":{"format":"opaque","id":"user-1"} }""";
        var answers = new List<string>();
        foreach (var node in new[] { 0, 1, 2 })
        {
            using var client = _cluster.Client(node, SetHubCluster.AdminToken);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/tenants/acme/events") { Content = TestTenant.Json(body) };
            request.Headers.Add("Idempotency-Key", "cluster-key");
            using var response = await client.SendAsync(request, Cancel);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal(node != 0, response.Headers.Contains("Idempotent-Replayed"));
            answers.Add((await TestTenant.ReadJsonAsync(response)).GetRawText());
        }

        Assert.Single(answers.Distinct());
        var keyed = await HttpJson.SendAsync(viaNode2, HttpMethod.Post, new Uri(pollUrl).PathAndQuery, """{"returnImmediately":true}""", HttpStatusCode.OK);
        Assert.Single(keyed.GetProperty("sets").EnumerateObject());
    }

    [Fact]
    public async Task CachedStreamsAndCredentials_FollowChangesMadeOnAnotherNode()
    {
        // Polls look streams and tokens up through each node's caches: a change through node 0 must reach node 1's
        // next request, not its next cache expiry.
        var (receiverToken, _) = await CreateTenantAsync(0, "delta");
        using var node0 = _cluster.Client(0, receiverToken);
        using var node1 = _cluster.Client(1, receiverToken);
        var stream = await HttpJson.SendAsync(node0, HttpMethod.Post, "/tenants/delta/ssf/streams", $$"""{"events_requested":["{{SessionRevoked}}"]}""", HttpStatusCode.Created);
        var pollPath = new Uri(stream.GetProperty("delivery").GetProperty("endpoint_url").GetString()!).PathAndQuery;
        await AcknowledgeAllAsync(node1, pollPath); // node 1 now caches the stream and the token

        await HttpJson.SendAsync(node0, HttpMethod.Patch, "/tenants/delta/ssf/streams",
            $$"""{"stream_id":"{{Id(stream)}}","delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"{{_receiver.Url("delta")}}"} }""", HttpStatusCode.OK);
        await EventuallyAsync(node1, HttpMethod.Post, pollPath, """{"returnImmediately":true}""", HttpStatusCode.NotFound); // a push stream now

        using var admin = _cluster.Client(0);
        var receiverId = (await HttpJson.SendAsync(admin, HttpMethod.Get, "/admin/tenants/delta/receivers", null, HttpStatusCode.OK))[0].GetProperty("receiver_id").GetString();
        await HttpJson.SendAsync(admin, HttpMethod.Delete, $"/admin/tenants/delta/receivers/{receiverId}", null, HttpStatusCode.NoContent);
        await EventuallyAsync(node1, HttpMethod.Get, "/tenants/delta/ssf/streams", null, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RotatedKeys_AreUsedByEveryNodeAtOnce()
    {
        // A key rotated out (perhaps because it leaked) must not sign another SET on any node.
        var (receiverToken, _) = await CreateTenantAsync(0, "epsilon");
        using var node1 = _cluster.Client(1, receiverToken);
        var stream = await HttpJson.SendAsync(node1, HttpMethod.Post, "/tenants/epsilon/ssf/streams", $$"""{"events_requested":["{{SessionRevoked}}"]}""", HttpStatusCode.Created);
        var pollPath = new Uri(stream.GetProperty("delivery").GetProperty("endpoint_url").GetString()!).PathAndQuery;
        await AcknowledgeAllAsync(node1, pollPath);
        await PublishAsync(1, "epsilon", "user-1", "before"); // node 1 now caches the active key
        var before = KidOf(Assert.Single(await PollAllAsync(node1, pollPath)));

        using var admin = _cluster.Client(0);
        var rotated = await HttpJson.SendAsync(admin, HttpMethod.Post, "/admin/tenants/epsilon/keys:rotate", null, HttpStatusCode.OK);
        var fresh = rotated.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("alg").GetString() == "ES256").GetProperty("kid").GetString();
        Assert.NotEqual(before, fresh);

        // Node 1 hears of the rotation within a notification's latency; its own cache would keep the old key ten minutes.
        var deadline = DateTime.UtcNow + NotificationGrace;
        string kid;
        do
        {
            await PublishAsync(1, "epsilon", "user-1", "after");
            kid = KidOf(Assert.Single(await PollAllAsync(node1, pollPath)));
        }
        while (kid != fresh && DateTime.UtcNow < deadline);

        Assert.Equal(fresh, kid);
    }

    [Fact]
    public async Task PausedThroughOneNode_StopsTheBatchAnotherNodeIsPushing()
    {
        // SSF 1.0 §8.1.2.1: whichever node holds the stream's lease, a pause through any node stops it within one push.
        var (receiverToken, _) = await CreateTenantAsync(0, "zeta");
        using var node0 = _cluster.Client(0, receiverToken);
        using var node2 = _cluster.Client(2, receiverToken);
        var stream = await HttpJson.SendAsync(node0, HttpMethod.Post, "/tenants/zeta/ssf/streams",
            $$"""{"events_requested":["{{SessionRevoked}}"],"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"{{_receiver.Url("zeta")}}"} }""", HttpStatusCode.Created);
        await _receiver.NextAsync("zeta"); // its creation verification
        var status = $$"""{"stream_id":"{{Id(stream)}}","status":"{0}"}""";
        await HttpJson.SendAsync(node0, HttpMethod.Post, "/tenants/zeta/ssf/status", status.Replace("{0}", "paused", StringComparison.Ordinal), HttpStatusCode.OK);
        for (var i = 0; i < 5; i++)
        {
            await PublishAsync(i % 3, "zeta", "user-1", $"zeta-{i}", expectedStreams: 1);
        }

        _receiver.Script("zeta", ReceiverBehavior.Hold, ReceiverBehavior.Accept);
        await HttpJson.SendAsync(node0, HttpMethod.Post, "/tenants/zeta/ssf/status", status.Replace("{0}", "enabled", StringComparison.Ordinal), HttpStatusCode.OK);
        var held = await _receiver.NextAsync("zeta");
        await HttpJson.SendAsync(node2, HttpMethod.Post, "/tenants/zeta/ssf/status", status.Replace("{0}", "paused", StringComparison.Ordinal), HttpStatusCode.OK);
        _receiver.Release("zeta");
        await held.Completed;
        await _receiver.AssertNothingAsync("zeta", TimeSpan.FromSeconds(1));

        await HttpJson.SendAsync(node2, HttpMethod.Post, "/tenants/zeta/ssf/status", status.Replace("{0}", "enabled", StringComparison.Ordinal), HttpStatusCode.OK);
        var rest = new List<string>();
        while (rest.Count < 4)
        {
            rest.Add(TxnOf((await _receiver.NextAsync("zeta")).Body));
        }

        Assert.Equal("zeta-0", TxnOf(held.Body));
        Assert.Equal(["zeta-1", "zeta-2", "zeta-3", "zeta-4"], rest);
    }

    [Fact]
    public async Task DeletedOrPausedOnOneNode_IsDeletedOrPausedForEveryNode()
    {
        var (receiverToken, _) = await CreateTenantAsync(0, "beta");
        using var node0 = _cluster.Client(0, receiverToken);
        using var node1 = _cluster.Client(1, receiverToken);
        var stream = await HttpJson.SendAsync(node0, HttpMethod.Post, "/tenants/beta/ssf/streams", $$"""{"events_requested":["{{SessionRevoked}}"]}""", HttpStatusCode.Created);
        var pollPath = new Uri(stream.GetProperty("delivery").GetProperty("endpoint_url").GetString()!).PathAndQuery;
        await AcknowledgeAllAsync(node1, pollPath);
        await HttpJson.SendAsync(node1, HttpMethod.Get, $"/tenants/beta/ssf/streams?stream_id={Id(stream)}", null, HttpStatusCode.OK); // cached on node 1

        await HttpJson.SendAsync(node0, HttpMethod.Post, "/tenants/beta/ssf/status", $$"""{"stream_id":"{{Id(stream)}}","status":"paused"}""", HttpStatusCode.OK);
        await PublishAsync(2, "beta", "user-1", "while-paused");
        Assert.Empty((await HttpJson.SendAsync(node1, HttpMethod.Post, pollPath, """{"returnImmediately":true}""", HttpStatusCode.OK)).GetProperty("sets").EnumerateObject());
        Assert.Equal("paused", (await HttpJson.SendAsync(node1, HttpMethod.Get, $"/tenants/beta/ssf/status?stream_id={Id(stream)}", null, HttpStatusCode.OK)).GetProperty("status").GetString());

        await HttpJson.SendAsync(node0, HttpMethod.Delete, $"/tenants/beta/ssf/streams?stream_id={Id(stream)}", null, HttpStatusCode.NoContent);
        await HttpJson.SendAsync(node1, HttpMethod.Get, $"/tenants/beta/ssf/streams?stream_id={Id(stream)}", null, HttpStatusCode.NotFound);
        await EventuallyAsync(node1, HttpMethod.Post, pollPath, """{"returnImmediately":true}""", HttpStatusCode.NotFound); // the poll lookup is cached
    }

    [Fact]
    public async Task LongPollOnOneNode_WakesWhenAnotherNodeQueues()
    {
        // LISTEN/NOTIFY: with the timeout and the periodic re-check ten minutes away, only the notification from
        // node 2 can wake the poll held on node 1.
        var (receiverToken, _) = await CreateTenantAsync(0, "gamma");
        using var node1 = _cluster.Client(1, receiverToken);
        var stream = await HttpJson.SendAsync(node1, HttpMethod.Post, "/tenants/gamma/ssf/streams", $$"""{"events_requested":["{{SessionRevoked}}"]}""", HttpStatusCode.Created);
        var pollPath = new Uri(stream.GetProperty("delivery").GetProperty("endpoint_url").GetString()!).PathAndQuery;
        await AcknowledgeAllAsync(node1, pollPath);

        var poll = HttpJson.SendAsync(node1, HttpMethod.Post, pollPath, """{"maxEvents":10}""", HttpStatusCode.OK);
        await Task.Delay(500, Cancel);
        Assert.False(poll.IsCompleted, "the poll is held while nothing is queued");
        await PublishAsync(2, "gamma", "user-1", "wake");
        var answer = await poll.WaitAsync(TimeSpan.FromSeconds(60), Cancel);

        Assert.Single(answer.GetProperty("sets").EnumerateObject());
    }

    [Fact]
    public async Task TenThousandPushes_SurviveANodeKilledMidRun()
    {
        const int Streams = 20;
        const int Events = 500; // × 20 streams = 10,000 SETs
        var (_, tenantToken) = await CreateTenantAsync(0, "load");
        for (var i = 0; i < Streams; i++)
        {
            using var admin = _cluster.Client(i % 3);
            var receiver = await HttpJson.SendAsync(admin, HttpMethod.Post, "/admin/tenants/load/receivers", $$"""{"audience":"https://rp-{{i}}.example.com"}""", HttpStatusCode.Created);
            using var rp = _cluster.Client(i % 3, receiver.GetProperty("token").GetString());
            await HttpJson.SendAsync(rp, HttpMethod.Post, "/tenants/load/ssf/streams",
                $$"""{"events_requested":["{{SessionRevoked}}"],"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"{{_receiver.Url("load")}}"} }""",
                HttpStatusCode.Created);
        }

        var received = new Dictionary<string, int>(StringComparer.Ordinal);
        var publishing = Task.Run(async () =>
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, Events), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Cancel }, async (i, _) =>
                await PublishAsync(i % 2 == 0 ? 0 : 2, "load", $"user-{i}", $"load-{i}", tenantToken, expectedStreams: Streams));
        }, Cancel);

        var killed = false;
        var expected = Streams * (Events + 1); // every stream also gets its creation verification
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (received.Count < expected && DateTime.UtcNow < deadline)
        {
            var push = await _receiver.NextAsync("load", TimeSpan.FromSeconds(60));
            var jti = JtiOf(push.Body);
            received[jti] = received.GetValueOrDefault(jti) + 1;
            if (!killed && received.Count >= 3000)
            {
                _cluster.Nodes[1].Kill(); // SIGKILL: its leased streams are taken over when the leases expire
                killed = true;
            }
        }

        await publishing;
        var duplicates = received.Values.Sum(count => count - 1);
        Assert.True(killed);
        Assert.Equal(expected, received.Count); // every SET delivered at least once: none lost
        // At-least-once: only SETs in flight on the killed node can come twice, at most one batch per stream it held.
        Assert.True(duplicates <= Streams * 20, $"{duplicates} duplicates");
        TestContext.Current.TestOutputHelper?.WriteLine($"10,000 SETs pushed across a SIGKILL of one of three nodes: {duplicates} duplicates.");
    }

    private async Task<(string ReceiverToken, string TenantToken)> CreateTenantAsync(int node, string tenantId)
    {
        using var admin = _cluster.Client(node);
        var tenant = await HttpJson.SendAsync(admin, HttpMethod.Put, $"/admin/tenants/{tenantId}", """{"default_subjects":"ALL"}""", HttpStatusCode.Created);
        var receiver = await HttpJson.SendAsync(admin, HttpMethod.Post, $"/admin/tenants/{tenantId}/receivers", """{"audience":"https://rp.example.com"}""", HttpStatusCode.Created);
        return (receiver.GetProperty("token").GetString()!, tenant.GetProperty("token").GetString()!);
    }

    // A publish that meets a node dying answers 503 (some streams may have their SET, others not); the publisher
    // retries with the same txn, which lands on the SETs already queued and adds the missing ones.
    private async Task PublishAsync(int node, string tenantId, string subject, string txn, string? token = null, int? expectedStreams = null)
    {
        using var client = _cluster.Client(node, token ?? SetHubCluster.AdminToken);
        var body = $$"""{"events":{"{{SessionRevoked}}":{} },"sub_id":{"format":"opaque","id":"{{subject}}"},"txn":"{{txn}}"}""";
        for (var attempt = 1; ; attempt++)
        {
            using var response = await client.PostAsync($"/admin/tenants/{tenantId}/events", TestTenant.Json(body), Cancel);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 20)
            {
                await Task.Delay(250, Cancel);
                continue;
            }

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            if (expectedStreams is { } streams)
            {
                Assert.Equal(streams, (await TestTenant.ReadJsonAsync(response)).GetProperty("streams").GetInt32());
            }

            return;
        }
    }

    private static async Task AcknowledgeAllAsync(HttpClient client, string pollUrl)
    {
        var path = pollUrl.StartsWith("http", StringComparison.Ordinal) ? new Uri(pollUrl).PathAndQuery : pollUrl;
        var sets = await HttpJson.SendAsync(client, HttpMethod.Post, path, """{"returnImmediately":true}""", HttpStatusCode.OK);
        var jtis = sets.GetProperty("sets").EnumerateObject().Select(p => p.Name).ToArray();
        await HttpJson.SendAsync(client, HttpMethod.Post, path, $$"""{"returnImmediately":true,"maxEvents":0,"ack":{{JsonSerializer.Serialize(jtis)}} }""", HttpStatusCode.OK);
    }

    // Far below every cache's lifetime here, far above a notification's latency on a loaded machine.
    private static readonly TimeSpan NotificationGrace = TimeSpan.FromSeconds(10);

    // Caches on the other nodes follow a change within a notification's latency: retry until they have.
    private static async Task EventuallyAsync(HttpClient client, HttpMethod method, string path, string? body, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + NotificationGrace;
        while (true)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = TestTenant.Json(body);
            }

            using var response = await client.SendAsync(request, Cancel);
            if (response.StatusCode == expected)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{method} {path} still answers {(int)response.StatusCode}, not {(int)expected}.");
            await Task.Delay(50, Cancel);
        }
    }

    private static async Task<IReadOnlyList<string>> PollAllAsync(HttpClient client, string pollPath)
    {
        var sets = await HttpJson.SendAsync(client, HttpMethod.Post, pollPath, """{"returnImmediately":true}""", HttpStatusCode.OK);
        var tokens = sets.GetProperty("sets").EnumerateObject().Select(p => p.Value.GetString()!).ToArray();
        await HttpJson.SendAsync(client, HttpMethod.Post, pollPath,
            $$"""{"returnImmediately":true,"maxEvents":0,"ack":{{JsonSerializer.Serialize(sets.GetProperty("sets").EnumerateObject().Select(p => p.Name))}} }""", HttpStatusCode.OK);
        return tokens;
    }

    private static string JtiOf(string set) => Part(set, 1).GetProperty("jti").GetString()!;

    private static string TxnOf(string set) => Part(set, 1).GetProperty("txn").GetString()!;

    private static string KidOf(string set) => Part(set, 0).GetProperty("kid").GetString()!;

    private static JsonElement Part(string set, int index)
    {
        using var part = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(set.Split('.')[index]));
        return part.RootElement.Clone();
    }

    private static string Id(JsonElement stream) => stream.GetProperty("stream_id").GetString()!;
}
