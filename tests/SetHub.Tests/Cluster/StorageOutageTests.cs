using System.Collections.Concurrent;
using System.Net;
using SetHub.Tests.Infrastructure;
using SetHub.Tests.Shared;

namespace SetHub.Tests.Cluster;

/// <summary>
/// The storage account goes away under a running cluster: three nodes on an Azurite of the test's own, which is frozen
/// (SIGSTOP: connections hang, nothing answers) for 20 s and then resumed. While it is away, requests that need it
/// answer 503 with Retry-After, never another 5xx; once it is back the nodes recover on their own, and every event that
/// got a 202 is delivered to every stream.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class StorageOutageTests : IAsyncLifetime
{
    private const int Streams = 5;
    // Longer than a storage call takes to give up (about 11 s) even on a loaded machine, so requests waiting on the
    // frozen account answer 503 while it is still away.
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);

    private PrivateAzurite _azurite = null!;
    private SetHubCluster _cluster = null!;
    private TestPushReceiver _receiver = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _azurite = await PrivateAzurite.StartAsync();
        _cluster = await SetHubCluster.StartOnAzureStorageAsync(_azurite.ConnectionString, "outage", 3);
        _receiver = await TestPushReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _cluster.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task AFrozenStorageAccount_Answers503WithRetryAfter_ThenEveryAcceptedEventIsDelivered()
    {
        using (var admin = _cluster.Client(0))
        {
            await HttpJson.SendAsync(admin, HttpMethod.Put, "/admin/tenants/acme", """{"default_subjects":"ALL"}""", HttpStatusCode.Created);
            var receiver = await HttpJson.SendAsync(admin, HttpMethod.Post, "/admin/tenants/acme/receivers", """{"audience":"https://rp.example.com"}""", HttpStatusCode.Created);
            for (var i = 0; i < Streams; i++)
            {
                using var rp = _cluster.Client(i % 3, receiver.GetProperty("token").GetString());
                await HttpJson.SendAsync(rp, HttpMethod.Post, "/tenants/acme/ssf/streams",
                    $$"""{"events_requested":["{{TestReceiver.SessionRevoked}}"],"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"{{_receiver.Url("outage")}}"} }""",
                    HttpStatusCode.Created);
            }
        }

        // Publish steadily through the three nodes, several requests at a time, recording every answer.
        var accepted = new ConcurrentBag<string>();
        var answers = new ConcurrentQueue<(DateTimeOffset At, HttpStatusCode Status, bool RetryAfter)>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 3).Select(node => _cluster.Client(node)).ToArray();
        var publishers = Enumerable.Range(0, 3).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var txn = $"outage-{worker}-{i}";
                try
                {
                    using var response = await clients[(worker + i) % 3].PostAsync("/admin/tenants/acme/events", TestTenant.Json(
                        $$$"""{"events":{"{{{TestReceiver.SessionRevoked}}}":{}},"sub_id":{"format":"opaque","id":"u-{{{i}}}"},"txn":"{{{txn}}}"}"""), CancellationToken.None);
                    answers.Enqueue((DateTimeOffset.UtcNow, response.StatusCode, response.Headers.RetryAfter is not null));
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        accepted.Add(txn);
                    }
                }
                catch (HttpRequestException)
                {
                    answers.Enqueue((DateTimeOffset.UtcNow, 0, false));
                }

                await Task.Delay(50, CancellationToken.None);
            }
        }, CancellationToken.None)).ToArray();

        await SetHubCluster.WaitForAsync(() => accepted.Count >= 20, "events to be accepted before the outage");
        var frozenAt = DateTimeOffset.UtcNow;
        _azurite.Freeze();
        await Task.Delay(Outage, Cancel);
        _azurite.Thaw();
        var thawedAt = DateTimeOffset.UtcNow;
        var acceptedBeforeRecovery = accepted.Count;
        await SetHubCluster.WaitForAsync(() => accepted.Count >= acceptedBeforeRecovery + 20, "events to be accepted again after the outage");
        await Task.Delay(TimeSpan.FromSeconds(2), Cancel);
        await stop.CancelAsync();
        await Task.WhenAll(publishers);
        foreach (var client in clients)
        {
            client.Dispose();
        }

        // Only 202 or 503 with Retry-After, and 503s only while the storage was away (or just after, for requests
        // that were already waiting on it).
        var failures = answers.Where(answer => answer.Status != HttpStatusCode.Accepted).ToList();
        Assert.All(failures, failure => Assert.True(
            failure.Status == HttpStatusCode.ServiceUnavailable && failure.RetryAfter,
            $"{failure.Status} (Retry-After: {failure.RetryAfter}) at {failure.At - frozenAt:g} after the freeze"));
        Assert.Contains(failures, failure => failure.At > frozenAt && failure.At < thawedAt);
        Assert.All(failures, failure => Assert.InRange(failure.At, frozenAt, thawedAt + TimeSpan.FromSeconds(15)));

        // Every accepted event reaches every stream.
        var expected = accepted.Count * Streams;
        var delivered = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (delivered.Count < expected && DateTime.UtcNow < deadline)
        {
            var push = await _receiver.NextAsync("outage", TimeSpan.FromSeconds(60));
            if (CompactSets.Claim(push.Body, "txn") is { } txn && accepted.Contains(txn))
            {
                delivered.Add(CompactSets.Claim(push.Body, "jti")!); // one jti per event and stream
            }
        }

        Assert.Equal(expected, delivered.Count);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{accepted.Count} events accepted, {failures.Count} answered 503 with Retry-After during a {Outage.TotalSeconds:0} s outage; all delivered to {Streams} streams.");
    }
}
