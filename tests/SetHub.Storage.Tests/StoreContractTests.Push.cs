using SetHub.Core.Storage;
using SetHub.Core.Streams;

namespace SetHub.Storage.Tests;

/// <summary>Push work: per-stream claims with leases, outcomes, backoff and takeover.</summary>
public abstract partial class StoreContractTests
{
    private static readonly DateTimeOffset Lease = TestData.Now.AddMinutes(5);

    [Fact]
    public async Task Push_ClaimsEachDueStreamOnce_UntilItsLeaseExpires()
    {
        await CreateStreamsAsync(TestData.Stream(id: "s1", delivery: TestData.Push()), TestData.Stream(id: "s2", delivery: TestData.Push()));
        await Store.Sets.EnqueueAsync([TestData.Set("a", streamId: "s1"), TestData.Set("b", streamId: "s2")], Cancel);

        var first = await Store.Push.ClaimStreamsAsync("node-a", 10, TestData.Now, Lease, Cancel);
        var second = await Store.Push.ClaimStreamsAsync("node-b", 10, TestData.Now.AddMinutes(1), TestData.Now.AddMinutes(6), Cancel);
        var takeover = await Store.Push.ClaimStreamsAsync("node-b", 10, Lease.AddSeconds(1), Lease.AddMinutes(5), Cancel);

        Assert.Equal(["s1", "s2"], first.Select(c => c.StreamId).Order());
        Assert.Empty(second); // leased to node-a
        Assert.Equal(["s1", "s2"], takeover.Select(c => c.StreamId).Order()); // node-a died: its leases expired
    }

    [Fact]
    public async Task Push_ConcurrentClaims_NeverShareAStream()
    {
        await CreateStreamsAsync(Enumerable.Range(0, 30).Select(i => TestData.Stream(id: $"s{i:D2}", delivery: TestData.Push())).ToArray());
        await Store.Sets.EnqueueAsync(Enumerable.Range(0, 30).Select(i => TestData.Set($"j{i}", streamId: $"s{i:D2}")).ToArray(), Cancel);

        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(n => Store.Push.ClaimStreamsAsync($"node-{n}", 7, TestData.Now, Lease, Cancel)));

        var streams = claims.SelectMany(c => c).Select(c => c.StreamId).ToArray();
        Assert.Equal(30, streams.Length);
        Assert.Equal(30, streams.Distinct().Count());
    }

    [Fact]
    public async Task Push_ReturnsSetsInQueueOrder()
    {
        await CreateStreamsAsync(TestData.Stream(delivery: TestData.Push()));
        await Store.Sets.EnqueueAsync([TestData.Set("j1"), TestData.Set("j2"), TestData.Set("j3")], Cancel);

        var pending = await Store.Push.GetPushSetsAsync("acme", "s1", 2, Cancel);

        Assert.Equal(["j1", "j2"], pending.Select(p => p.Jti));
        Assert.Equal(TestData.Now, pending[0].QueuedAt);
        Assert.Equal(0, pending[0].Attempts);
    }

    [Fact]
    public async Task Push_Release_RecordsOutcomesAndReschedules()
    {
        await CreateStreamsAsync(TestData.Stream(delivery: TestData.Push()));
        await Store.Sets.EnqueueAsync([TestData.Set("ok"), TestData.Set("bad"), TestData.Set("old"), TestData.Set("later"), TestData.Set("rest")], Cancel);
        var claim = Assert.Single(await Store.Push.ClaimStreamsAsync("node", 10, TestData.Now, Lease, Cancel));
        var retryAt = TestData.Now.AddSeconds(4);

        await Store.Push.ReleaseAsync(new PushBatchResult(claim, ["ok"], [("bad", "HTTP 400 invalid_request")], [("old", "expired")], ("later", "HTTP 503"), retryAt, TestData.Now), Cancel);

        Assert.Equal(["later", "rest"], (await Store.Push.GetPushSetsAsync("acme", "s1", 10, Cancel)).Select(p => p.Jti));
        var later = (await Store.Push.GetPushSetsAsync("acme", "s1", 10, Cancel))[0];
        Assert.Equal((1, "HTTP 503"), (later.Attempts, later.LastError));
        var dead = await Store.Sets.ListDeadLettersAsync("acme", "s1", 10, Cancel);
        Assert.Equal([("bad", 1), ("old", 0)], dead.Select(d => (d.Jti, d.Attempts)));

        // In backoff until retryAt, then claimed again with the failure counted.
        Assert.Empty(await Store.Push.ClaimStreamsAsync("node", 10, retryAt.AddSeconds(-1), Lease, Cancel));
        Assert.Equal(retryAt, await Store.Push.NextDueAsync(Cancel));
        var again = Assert.Single(await Store.Push.ClaimStreamsAsync("node", 10, retryAt, Lease, Cancel));
        Assert.Equal(1, again.Failures);
    }

    [Fact]
    public async Task Push_Release_WithSetsLeft_IsDueAtOnce_AndSuccessResetsFailures()
    {
        await CreateStreamsAsync(TestData.Stream(delivery: TestData.Push()));
        await Store.Sets.EnqueueAsync([TestData.Set("j1"), TestData.Set("j2")], Cancel);
        var claim = Assert.Single(await Store.Push.ClaimStreamsAsync("node", 10, TestData.Now, Lease, Cancel));

        await Store.Push.ReleaseAsync(new PushBatchResult(claim with { Failures = 3 }, ["j1"], [], [], null, null, TestData.Now), Cancel);

        var again = Assert.Single(await Store.Push.ClaimStreamsAsync("node", 10, TestData.Now, Lease, Cancel));
        Assert.Equal(0, again.Failures);
        await Store.Push.ReleaseAsync(new PushBatchResult(again, ["j2"], [], [], null, null, TestData.Now), Cancel);
        Assert.Empty(await Store.Push.ClaimStreamsAsync("node", 10, TestData.Now.AddHours(1), Lease.AddHours(1), Cancel));
        Assert.Null(await Store.Push.NextDueAsync(Cancel));
    }

    [Fact]
    public async Task Push_SetsQueuedDuringALease_AreNotLost()
    {
        await CreateStreamsAsync(TestData.Stream(delivery: TestData.Push()));
        await Store.Sets.EnqueueAsync([TestData.Set("j1")], Cancel);
        var claim = Assert.Single(await Store.Push.ClaimStreamsAsync("node", 10, TestData.Now, Lease, Cancel));
        var pending = await Store.Push.GetPushSetsAsync("acme", "s1", 10, Cancel);

        await Store.Sets.EnqueueAsync([TestData.Set("j2", at: TestData.Now.AddSeconds(1))], Cancel);
        await Store.Push.ReleaseAsync(new PushBatchResult(claim, pending.Select(p => p.Jti).ToArray(), [], [], null, null, TestData.Now.AddSeconds(2)), Cancel);

        Assert.Single(await Store.Push.ClaimStreamsAsync("node", 10, TestData.Now.AddSeconds(2), Lease, Cancel));
        Assert.Equal(["j2"], (await Store.Push.GetPushSetsAsync("acme", "s1", 10, Cancel)).Select(p => p.Jti));
    }

    [Fact]
    public async Task Push_NewSetsDoNotCutAStreamsBackoffShort()
    {
        await CreateStreamsAsync(TestData.Stream(delivery: TestData.Push()));
        await Store.Sets.EnqueueAsync([TestData.Set("j1")], Cancel);
        var claim = Assert.Single(await Store.Push.ClaimStreamsAsync("node", 10, TestData.Now, Lease, Cancel));
        var retryAt = TestData.Now.AddMinutes(1);
        await Store.Push.ReleaseAsync(new PushBatchResult(claim, [], [], [], ("j1", "HTTP 503"), retryAt, TestData.Now), Cancel);

        await Store.Sets.EnqueueAsync([TestData.Set("j2", at: TestData.Now.AddSeconds(10))], Cancel);

        Assert.Empty(await Store.Push.ClaimStreamsAsync("node", 10, TestData.Now.AddSeconds(10), Lease, Cancel));
        Assert.Single(await Store.Push.ClaimStreamsAsync("node", 10, retryAt, Lease, Cancel));
    }

    [Fact]
    public async Task Push_ReleaseByAnOldOwner_DoesNotTouchTheNewLease()
    {
        await CreateStreamsAsync(TestData.Stream(delivery: TestData.Push()));
        await Store.Sets.EnqueueAsync([TestData.Set("j1")], Cancel);
        var stale = Assert.Single(await Store.Push.ClaimStreamsAsync("node-a", 10, TestData.Now, Lease, Cancel));
        var current = Assert.Single(await Store.Push.ClaimStreamsAsync("node-b", 10, Lease.AddSeconds(1), Lease.AddMinutes(5), Cancel));

        await Store.Push.ReleaseAsync(new PushBatchResult(stale, [], [], [], ("j1", "late failure"), Lease.AddHours(1), Lease), Cancel);

        // node-b still holds the stream: nobody else may claim it before its lease ends.
        Assert.Empty(await Store.Push.ClaimStreamsAsync("node-c", 10, Lease.AddMinutes(1), Lease.AddMinutes(10), Cancel));
        await Store.Push.ReleaseAsync(new PushBatchResult(current, ["j1"], [], [], null, null, Lease.AddMinutes(1)), Cancel);
        Assert.Empty(await Store.Push.GetPushSetsAsync("acme", "s1", 10, Cancel));
    }

    [Fact]
    public async Task Push_Release_ReturnsWhenTheStreamIsDueNext()
    {
        await CreateStreamsAsync(TestData.Stream(delivery: TestData.Push()));
        await Store.Sets.EnqueueAsync([TestData.Set("j1"), TestData.Set("j2")], Cancel);
        var claim = Assert.Single(await Store.Push.ClaimStreamsAsync("node/1", 10, TestData.Now, Lease, Cancel));

        Assert.Equal(TestData.Now, await Store.Push.ReleaseAsync(new PushBatchResult(claim, ["j1"], [], [], null, null, TestData.Now), Cancel));
        var again = Assert.Single(await Store.Push.ClaimStreamsAsync("node/2", 10, TestData.Now, Lease, Cancel));
        Assert.Null(await Store.Push.ReleaseAsync(new PushBatchResult(again, ["j2"], [], [], null, null, TestData.Now), Cancel));
    }

    [Fact]
    public async Task Push_ABatchThatCouldDoNothing_DoesNotRescheduleItselfAtOnce()
    {
        // Push-lane SETs the processor cannot send (say, the stream stopped being a push stream) must not make the
        // stream due at once, or it would be claimed again and again; they wait for expiry instead.
        await CreateStreamsAsync(TestData.Stream(delivery: TestData.Push()));
        await Store.Sets.EnqueueAsync([TestData.Set("j1")], Cancel);
        var claim = Assert.Single(await Store.Push.ClaimStreamsAsync("node/1", 10, TestData.Now, Lease, Cancel));

        Assert.Null(await Store.Push.ReleaseAsync(new PushBatchResult(claim, [], [], [], null, null, TestData.Now), Cancel));
        Assert.Empty(await Store.Push.ClaimStreamsAsync("node/2", 10, TestData.Now.AddMinutes(1), Lease, Cancel));
    }

    [Fact]
    public async Task Push_AnUntouchedClaim_IsDueAgainAtOnce()
    {
        await CreateStreamsAsync(TestData.Stream(delivery: TestData.Push()));
        await Store.Sets.EnqueueAsync([TestData.Set("j1")], Cancel);
        var claim = Assert.Single(await Store.Push.ClaimStreamsAsync("node/1", 10, TestData.Now, Lease, Cancel));

        await Store.Push.ReleaseAsync(PushBatchResult.Untouched(claim, TestData.Now), Cancel);

        Assert.Single(await Store.Push.ClaimStreamsAsync("node/2", 10, TestData.Now, Lease, Cancel));
    }

    [Fact]
    public async Task Push_ChangingTheStream_EndsItsBackoff()
    {
        // The receiver fixed its endpoint: it should not wait out a ten-minute backoff.
        var stream = TestData.Stream(delivery: TestData.Push());
        await CreateStreamsAsync(stream);
        await Store.Sets.EnqueueAsync([TestData.Set("j1")], Cancel);
        var claim = Assert.Single(await Store.Push.ClaimStreamsAsync("node/1", 10, TestData.Now, Lease, Cancel));
        await Store.Push.ReleaseAsync(new PushBatchResult(claim, [], [], [], ("j1", "HTTP 503"), TestData.Now.AddMinutes(10), TestData.Now), Cancel);

        await Store.Streams.UpdateStreamAsync(stream with { Delivery = TestData.Push("https://fixed.example.com/events"), Version = 2, UpdatedAt = TestData.Now.AddMinutes(1) }, 1, cancellationToken: Cancel);

        var again = Assert.Single(await Store.Push.ClaimStreamsAsync("node/2", 10, TestData.Now.AddMinutes(1), Lease.AddMinutes(1), Cancel));
        Assert.Equal(0, again.Failures);
    }

    [Fact]
    public async Task Push_PausedStreamsOnlyPushControlSets_AndEnablingReleasesTheRest()
    {
        var stream = TestData.Stream(delivery: TestData.Push()) with { Status = StreamStatus.Paused };
        await CreateStreamsAsync(stream);
        await Store.Sets.EnqueueAsync([TestData.Set("event"), TestData.Set("announce", control: true)], Cancel);

        var claim = Assert.Single(await Store.Push.ClaimStreamsAsync("node", 10, TestData.Now, Lease, Cancel));
        Assert.Equal(["announce"], (await Store.Push.GetPushSetsAsync("acme", "s1", 10, Cancel)).Select(p => p.Jti));
        await Store.Push.ReleaseAsync(new PushBatchResult(claim, ["announce"], [], [], null, null, TestData.Now), Cancel);
        Assert.Empty(await Store.Push.ClaimStreamsAsync("node", 10, TestData.Now, Lease, Cancel));

        await Store.Streams.UpdateStreamAsync(stream with { Status = StreamStatus.Enabled, Version = 2, UpdatedAt = TestData.Now.AddMinutes(1) }, 1, cancellationToken: Cancel);
        Assert.Single(await Store.Push.ClaimStreamsAsync("node", 10, TestData.Now.AddMinutes(1), Lease, Cancel));
        Assert.Equal(["event"], (await Store.Push.GetPushSetsAsync("acme", "s1", 10, Cancel)).Select(p => p.Jti));
    }
}
