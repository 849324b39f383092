using System.Collections.Concurrent;
using System.Net;
using SetHub.Tests.Infrastructure;
using SetHub.Tests.Shared;

namespace SetHub.Tests.Cluster;

/// <summary>
/// Three SetHub processes on one store (a PostgreSQL database, or an Azure Storage account on Azurite) pushing to 30 streams while events are published through every
/// node; then one node is killed (SIGKILL) or frozen (SIGSTOP for 20 s, then SIGCONT: it wakes believing it still owns
/// its streams). Nothing accepted is lost, every stream delivers again within 5 s, duplicates stay within the outcomes
/// a stream may have had unrecorded, and no stream sees an event before one published earlier.
/// </summary>
[Collection(nameof(ClusterCollection))]
public abstract class FailoverTests : IAsyncLifetime
{
    private const int Streams = 30;
    private const int StreamBatchSize = 20; // SetHub:Delivery:StreamBatchSize's default
    private static readonly TimeSpan ResumeWithin = TimeSpan.FromSeconds(5);

    private SetHubCluster _cluster = null!;
    private TestPushReceiver _receiver = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Starts three nodes on a fresh store of the mode under test.</summary>
    protected abstract Task<SetHubCluster> StartClusterAsync();

    /// <summary>Removes the store (after the nodes stopped).</summary>
    protected virtual Task DropStoreAsync() => Task.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        _cluster = await StartClusterAsync();
        _receiver = await TestPushReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await _receiver.DisposeAsync();
        await _cluster.DisposeAsync();
        await DropStoreAsync();
    }

    [Fact]
    public async Task ANodeKilled_LosesNothing_AndEveryStreamDeliversAgainWithinFiveSeconds()
    {
        var run = await StartPublishingAsync();
        await Task.Delay(TimeSpan.FromSeconds(3), Cancel);

        var killedAt = DateTimeOffset.UtcNow;
        _cluster.Nodes[1].Kill();
        run.Avoid(1);
        await Task.Delay(TimeSpan.FromSeconds(8), Cancel);

        var report = await run.StopAndDrainAsync();
        report.AssertNothingLost();
        report.AssertInOrder();
        report.AssertDuplicatesAtMost(StreamBatchSize + 1);
        report.AssertEveryStreamDeliveredSince(killedAt, ResumeWithin);
        TestContext.Current.TestOutputHelper?.WriteLine(report.Summary(killedAt));
    }

    [Fact]
    public async Task ANodeFrozenTwentySeconds_WakesIntoAFence_AddingNoDuplicatesBeyondABatch_AndNoReordering()
    {
        var run = await StartPublishingAsync();
        await Task.Delay(TimeSpan.FromSeconds(3), Cancel);

        var frozenAt = DateTimeOffset.UtcNow;
        _cluster.Nodes[2].Freeze();
        run.Avoid(2);
        await Task.Delay(TimeSpan.FromSeconds(20), Cancel);
        _cluster.Nodes[2].Thaw();
        await Task.Delay(TimeSpan.FromSeconds(5), Cancel);

        var report = await run.StopAndDrainAsync();
        report.AssertNothingLost();
        report.AssertInOrder();
        report.AssertDuplicatesAtMost(StreamBatchSize + 1);
        // A hung node is suspected only after its connections fall silent for MaxProbeTimeout × NumMissedProbesLimit (6 s).
        report.AssertEveryStreamDeliveredSince(frozenAt, ResumeWithin + TimeSpan.FromSeconds(6));
        TestContext.Current.TestOutputHelper?.WriteLine(report.Summary(frozenAt));
    }

    private async Task<PublishingRun> StartPublishingAsync()
    {
        using (var admin = _cluster.Client(0))
        {
            await HttpJson.SendAsync(admin, HttpMethod.Put, "/admin/tenants/fail", """{"default_subjects":"ALL"}""", HttpStatusCode.Created);
            var receiver = await HttpJson.SendAsync(admin, HttpMethod.Post, "/admin/tenants/fail/receivers", """{"audience":"https://rp.example.com"}""", HttpStatusCode.Created);
            for (var i = 0; i < Streams; i++)
            {
                using var rp = _cluster.Client(i % 3, receiver.GetProperty("token").GetString());
                await HttpJson.SendAsync(rp, HttpMethod.Post, "/tenants/fail/ssf/streams",
                    $$"""{"events_requested":["{{TestReceiver.SessionRevoked}}"],"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"{{_receiver.Url($"s{i}")}}"} }""",
                    HttpStatusCode.Created);
            }
        }

        var run = new PublishingRun(_cluster, _receiver);
        run.Start();
        return run;
    }

    /// <summary>Publishes one event to all 30 streams every 50 ms, through the nodes in turn, retrying a publish that
    /// fails (5xx or a broken connection) with the same txn on the next node; then collects what every stream got.</summary>
    private sealed class PublishingRun(SetHubCluster cluster, TestPushReceiver receiver)
    {
        private readonly ConcurrentQueue<(string Txn, DateTimeOffset FirstSentAt)> _accepted = new(); // accepted events, each with when it was first sent
        private readonly CancellationTokenSource _stop = new();
        private readonly HashSet<int> _avoided = [];
        private Task _publisher = Task.CompletedTask;

        public void Start() => _publisher = Task.Run(PublishAsync, CancellationToken.None);

        public void Avoid(int node)
        {
            lock (_avoided)
            {
                _avoided.Add(node);
            }
        }

        private async Task PublishAsync()
        {
            var clients = cluster.Nodes.Select((_, i) => cluster.Client(i)).ToArray();
            clients.ToList().ForEach(client => client.Timeout = TimeSpan.FromSeconds(5));
            var next = 0;
            for (var n = 0; !_stop.IsCancellationRequested; n++)
            {
                var txn = $"e{n:00000}";
                var firstSentAt = DateTimeOffset.UtcNow;
                var body = $$"""{"events":{"{{TestReceiver.SessionRevoked}}":{} },"sub_id":{"format":"opaque","id":"u-{{n}}"},"txn":"{{txn}}"}""";
                while (true)
                {
                    int node;
                    lock (_avoided)
                    {
                        do
                        {
                            node = next++ % clients.Length;
                        }
                        while (_avoided.Contains(node));
                    }

                    try
                    {
                        using var response = await clients[node].PostAsync("/admin/tenants/fail/events", TestTenant.Json(body), CancellationToken.None);
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            _accepted.Enqueue((txn, firstSentAt));
                            break;
                        }
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                    {
                        // A node going away: try the next one.
                    }

                    await Task.Delay(100, CancellationToken.None);
                }

                await Task.Delay(50, CancellationToken.None);
            }

            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        public async Task<Report> StopAndDrainAsync()
        {
            await _stop.CancelAsync();
            await _publisher;
            var accepted = _accepted.ToArray();
            var received = Enumerable.Range(0, Streams).Select(_ => new List<(string Txn, DateTimeOffset At)>()).ToArray();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                for (var i = 0; i < Streams; i++)
                {
                    received[i].AddRange(receiver.Drain($"s{i}").Select(push => (TxnOf(push.Body), push.At)).Where(push => push.Item1.StartsWith('e')));
                }

                if (received.All(stream => accepted.Select(entry => entry.Txn).All(new HashSet<string>(stream.Select(push => push.Txn)).Contains)))
                {
                    break;
                }

                await Task.Delay(200, CancellationToken.None);
            }

            return new Report(accepted, received);
        }

        private static string TxnOf(string set) =>
            CompactSets.Claim(set, "txn") ?? throw new InvalidOperationException("A published event's SET has no txn.");
    }

    private sealed record Report((string Txn, DateTimeOffset At)[] Accepted, List<(string Txn, DateTimeOffset At)>[] Received)
    {
        public void AssertNothingLost()
        {
            for (var i = 0; i < Received.Length; i++)
            {
                var got = Received[i].Select(push => push.Txn).ToHashSet();
                var missing = Accepted.Select(entry => entry.Txn).Where(txn => !got.Contains(txn)).ToArray();
                Assert.True(missing.Length == 0, $"stream {i} never got {missing.Length} accepted events, e.g. {string.Join(", ", missing.Take(5))}");
            }
        }

        // Per stream, events arrive for the first time in the order they were published (ascending txn).
        public void AssertInOrder()
        {
            for (var i = 0; i < Received.Length; i++)
            {
                var seen = new HashSet<string>();
                var firsts = Received[i].Where(push => seen.Add(push.Txn)).Select(push => push.Txn).ToArray();
                Assert.True(firsts.SequenceEqual(firsts.Order(StringComparer.Ordinal)), $"stream {i} got events out of order: {string.Join(", ", firsts.Take(40))}");
            }
        }

        public void AssertDuplicatesAtMost(int perStream)
        {
            for (var i = 0; i < Received.Length; i++)
            {
                var duplicates = Received[i].Count - Received[i].Select(push => push.Txn).Distinct().Count();
                Assert.True(duplicates <= perStream, $"stream {i} got {duplicates} duplicates");
            }
        }

        // A push the failed node had on the wire can land just after the failure, so only events first sent after it
        // count: how long until each stream got the first of those.
        public void AssertEveryStreamDeliveredSince(DateTimeOffset since, TimeSpan within)
        {
            for (var i = 0; i < Received.Length; i++)
            {
                var resumed = ResumedAfter(Received[i], since);
                Assert.True(resumed <= within, $"stream {i} delivered an event sent after the failure only {resumed} after it");
            }
        }

        private TimeSpan? ResumedAfter(List<(string Txn, DateTimeOffset At)> stream, DateTimeOffset since)
        {
            var sentAfter = Accepted.Where(entry => entry.At > since).Select(entry => entry.Txn).ToHashSet();
            return stream.Where(push => sentAfter.Contains(push.Txn)).Select(push => (TimeSpan?)(push.At - since)).Min();
        }

        public string Summary(DateTimeOffset since)
        {
            var resumed = Received.Select(stream => ResumedAfter(stream, since) ?? TimeSpan.MaxValue).Order().ToArray();
            var duplicates = Received.Sum(stream => stream.Count - stream.Select(push => push.Txn).Distinct().Count());
            return $"{Accepted.Length} events accepted to {Streams} streams; every stream delivered an event sent after the failure within " +
                $"{resumed[^1].TotalSeconds:0.00} s (median {resumed[resumed.Length / 2].TotalSeconds:0.00} s; " +
                $"{resumed.Count(time => time > TimeSpan.FromSeconds(0.5))} streams took over 0.5 s); {duplicates} duplicates in all.";
        }
    }
}

/// <summary>Failover on PostgreSQL.</summary>
public sealed class PostgresFailoverTests : FailoverTests
{
    private string _database = string.Empty;

    protected override async Task<SetHubCluster> StartClusterAsync()
    {
        var (name, connectionString) = await PostgresTestServer.CreateDatabaseAsync("failover");
        _database = name;
        return await SetHubCluster.StartAsync(connectionString, 3);
    }

    protected override Task DropStoreAsync() => PostgresTestServer.DropDatabaseAsync(_database);
}

/// <summary>Failover on Azure Storage (Azurite): Orleans' Azure Table membership declares the dead node dead, and the
/// SET log's head fence keeps the frozen one from writing.</summary>
public sealed class AzureStorageFailoverTests : FailoverTests
{
    // An emulator of its own: the shared one serves every other test project at the same time, and its single thread
    // would be this test's bottleneck, not the cluster.
    private PrivateAzurite? _azurite;

    protected override async Task<SetHubCluster> StartClusterAsync()
    {
        _azurite = await PrivateAzurite.StartAsync();
        return await SetHubCluster.StartOnAzureStorageAsync(_azurite.ConnectionString, "failover", 3);
    }

    protected override async Task DropStoreAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
