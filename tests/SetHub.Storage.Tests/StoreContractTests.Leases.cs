using SetHub.Core;
using SetHub.Core.Storage;
using SetHub.Core.Streams;

namespace SetHub.Storage.Tests;

/// <summary>Leases and fences: what keeps two nodes from pushing one stream, and timers from running twice.</summary>
public abstract partial class StoreContractTests
{
    private static readonly DateTimeOffset LeaseEnd = TestData.Now.AddMinutes(5);

    [Fact]
    public async Task CanSend_HoldsWhileTheSetIsQueuedTheStreamUnchangedAndTheLeaseOurs()
    {
        var stream = TestData.Stream(delivery: TestData.Push());
        await CreateStreamsAsync(stream);
        await Store.Sets.EnqueueAsync([TestData.Set("j1"), TestData.Set("j2")], Cancel);
        var claim = Assert.Single(await Store.Push.ClaimStreamsAsync("node-a", 10, TestData.Now, LeaseEnd, Cancel));

        Assert.True(await Store.Push.CanSendAsync(claim, "j2", streamVersion: 1, TestData.Now.AddMinutes(1), Cancel));
        Assert.False(await Store.Push.CanSendAsync(claim, "j2", streamVersion: 1, LeaseEnd, Cancel)); // the send could outlast the lease
        Assert.False(await Store.Push.CanSendAsync(claim, "unknown", streamVersion: 1, TestData.Now, Cancel));
        Assert.False(await Store.Push.CanSendAsync(claim with { LeaseOwner = "node-b" }, "j2", streamVersion: 1, TestData.Now, Cancel));
        Assert.False(await Store.Push.CanSendAsync(claim, "j2", streamVersion: 0, TestData.Now, Cancel)); // changed since it was read
    }

    [Theory]
    [InlineData(StreamStatus.Paused)]   // SSF 1.0 §8.1.2.1: paused MUST NOT transmit (the SET is held)
    [InlineData(StreamStatus.Disabled)] // disabled holds nothing (the SET is gone)
    public async Task CanSend_IsRefused_OnceTheStreamStops(StreamStatus status)
    {
        var stream = TestData.Stream(delivery: TestData.Push());
        await CreateStreamsAsync(stream);
        await Store.Sets.EnqueueAsync([TestData.Set("j1"), TestData.Set("j2")], Cancel);
        var claim = Assert.Single(await Store.Push.ClaimStreamsAsync("node-a", 10, TestData.Now, LeaseEnd, Cancel));

        Assert.True(await Store.Streams.UpdateStreamAsync(stream with { Status = status, Version = 2 }, 1, cancellationToken: Cancel));

        Assert.False(await Store.Push.CanSendAsync(claim, "j2", streamVersion: 2, TestData.Now, Cancel));
    }

    [Fact]
    public async Task CanSend_IsRefused_AfterAnotherNodeTookTheExpiredLeaseOver()
    {
        await CreateStreamsAsync(TestData.Stream(delivery: TestData.Push()));
        await Store.Sets.EnqueueAsync([TestData.Set("j1")], Cancel);
        var first = Assert.Single(await Store.Push.ClaimStreamsAsync("node-a", 10, TestData.Now, LeaseEnd, Cancel));
        var second = Assert.Single(await Store.Push.ClaimStreamsAsync("node-b", 10, LeaseEnd.AddSeconds(1), LeaseEnd.AddMinutes(5), Cancel));

        Assert.False(await Store.Push.CanSendAsync(first, "j1", 1, LeaseEnd.AddSeconds(2), Cancel));
        Assert.True(await Store.Push.CanSendAsync(second, "j1", 1, LeaseEnd.AddSeconds(2), Cancel));
    }

    [Fact]
    public async Task Release_AfterTheStreamChangedDuringTheLease_KeepsTheBackoffReset()
    {
        // The receiver fixed its endpoint while a failing attempt was in flight: retry at once, not after a backoff.
        var stream = TestData.Stream(delivery: TestData.Push());
        await CreateStreamsAsync(stream);
        await Store.Sets.EnqueueAsync([TestData.Set("j1")], Cancel);
        var claim = Assert.Single(await Store.Push.ClaimStreamsAsync("node/1", 10, TestData.Now, LeaseEnd, Cancel));
        await Store.Push.ReleaseAsync(new PushBatchResult(claim, [], [], [], ("j1", "HTTP 503"), TestData.Now.AddMinutes(1), TestData.Now), Cancel);
        var retry = Assert.Single(await Store.Push.ClaimStreamsAsync("node/2", 10, TestData.Now.AddMinutes(1), LeaseEnd.AddMinutes(1), Cancel));
        Assert.Equal(1, retry.Failures);

        var fixedAt = TestData.Now.AddMinutes(1).AddSeconds(1);
        await Store.Streams.UpdateStreamAsync(stream with { Delivery = TestData.Push("https://fixed.example.com/events"), Version = 2, UpdatedAt = fixedAt }, 1, cancellationToken: Cancel);
        await Store.Push.ReleaseAsync(new PushBatchResult(retry, [], [], [], ("j1", "HTTP 503"), fixedAt.AddMinutes(10), fixedAt), Cancel);

        var again = Assert.Single(await Store.Push.ClaimStreamsAsync("node/3", 10, fixedAt, LeaseEnd.AddMinutes(2), Cancel));
        Assert.Equal(0, again.Failures);
    }

    [Fact]
    public async Task Release_AfterTheStreamChangedDuringItsFirstLease_IsDueAtOnce()
    {
        var stream = TestData.Stream(delivery: TestData.Push());
        await CreateStreamsAsync(stream);
        await Store.Sets.EnqueueAsync([TestData.Set("j1")], Cancel);
        var claim = Assert.Single(await Store.Push.ClaimStreamsAsync("node/1", 10, TestData.Now, LeaseEnd, Cancel));
        Assert.Equal(0, claim.Failures);

        var fixedAt = TestData.Now.AddSeconds(1);
        await Store.Streams.UpdateStreamAsync(stream with { Delivery = TestData.Push("https://fixed.example.com/events"), Version = 2, UpdatedAt = fixedAt }, 1, cancellationToken: Cancel);
        await Store.Push.ReleaseAsync(new PushBatchResult(claim, [], [], [], ("j1", "HTTP 503"), fixedAt.AddSeconds(2), fixedAt), Cancel);

        var again = Assert.Single(await Store.Push.ClaimStreamsAsync("node/2", 10, fixedAt, LeaseEnd, Cancel));
        Assert.Equal(0, again.Failures);
    }

    [Fact]
    public async Task NextDue_IsTheEarliestDueTimeOrLeaseEnd()
    {
        await CreateStreamsAsync(TestData.Stream(id: "a", delivery: TestData.Push()), TestData.Stream(id: "b", delivery: TestData.Push()));
        Assert.Null(await Store.Push.NextDueAsync(Cancel));

        await Store.Sets.EnqueueAsync([TestData.Set("j1", streamId: "a", at: TestData.Now.AddSeconds(30))], Cancel);
        Assert.Equal(TestData.Now.AddSeconds(30), await Store.Push.NextDueAsync(Cancel));

        Assert.Single(await Store.Push.ClaimStreamsAsync("node", 10, TestData.Now.AddSeconds(30), TestData.Now.AddSeconds(40), Cancel));
        Assert.Equal(TestData.Now.AddSeconds(40), await Store.Push.NextDueAsync(Cancel)); // when the lease would expire

        await Store.Sets.EnqueueAsync([TestData.Set("j2", streamId: "b", at: TestData.Now.AddSeconds(35))], Cancel);
        Assert.Equal(TestData.Now.AddSeconds(35), await Store.Push.NextDueAsync(Cancel));
    }

    [Fact]
    public async Task Timer_IsHeldByOneClaimUntilCompleted_ThenDueAgainAtItsNextTime()
    {
        Assert.True(await Store.Timers.TryClaimAsync("upkeep", "node-a/1", TestData.Now, LeaseEnd, Cancel));
        Assert.False(await Store.Timers.TryClaimAsync("upkeep", "node-b/1", TestData.Now, LeaseEnd, Cancel));
        Assert.True(await Store.Timers.TryClaimAsync("other", "node-b/1", TestData.Now, LeaseEnd, Cancel)); // timers are independent

        await Store.Timers.CompleteAsync("upkeep", "node-a/1", TestData.Now.AddSeconds(10), Cancel);

        Assert.False(await Store.Timers.TryClaimAsync("upkeep", "node-b/2", TestData.Now.AddSeconds(9), LeaseEnd, Cancel));
        Assert.True(await Store.Timers.TryClaimAsync("upkeep", "node-b/3", TestData.Now.AddSeconds(10), LeaseEnd, Cancel));
    }

    [Fact]
    public async Task Timer_WhoseHolderDied_IsTakenOverWhenTheLeaseExpires()
    {
        Assert.True(await Store.Timers.TryClaimAsync("upkeep", "node-a/1", TestData.Now, LeaseEnd, Cancel));

        Assert.False(await Store.Timers.TryClaimAsync("upkeep", "node-b/1", LeaseEnd, LeaseEnd.AddMinutes(5), Cancel));
        Assert.True(await Store.Timers.TryClaimAsync("upkeep", "node-b/2", LeaseEnd.AddSeconds(1), LeaseEnd.AddMinutes(5), Cancel));

        // The late holder's completion changes nothing: the lease is no longer its own.
        await Store.Timers.CompleteAsync("upkeep", "node-a/1", TestData.Now, Cancel);
        Assert.False(await Store.Timers.TryClaimAsync("upkeep", "node-c/1", LeaseEnd.AddSeconds(2), LeaseEnd.AddMinutes(5), Cancel));
    }

    [Fact]
    public async Task Timer_ConcurrentClaims_OnlyOneWins()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(n => Store.Timers.TryClaimAsync("race", $"node-{n}", TestData.Now, LeaseEnd, Cancel)));

        Assert.Single(results, won => won);
    }

    [Fact]
    public async Task PauseInactive_LosesToActivitySinceTheStreamWasFound()
    {
        // SSF 1.0 §8.1.1: activity resets the inactivity timer; a poll arriving while upkeep decides must win.
        var stream = TestData.Stream() with { InactivityTimeout = TimeSpan.FromMinutes(10) };
        await CreateStreamsAsync(stream);
        var found = Assert.Single(await Store.Streams.ListInactiveStreamsAsync(TestData.Now.AddMinutes(11), 10, Cancel));
        await Store.Streams.TouchAsync("acme", "s1", TestData.Now.AddMinutes(10.5), TimeSpan.FromMinutes(1), Cancel);

        var paused = found with { Status = StreamStatus.Paused, Version = 2 };
        Assert.False(await Store.Streams.PauseInactiveStreamAsync(paused, 1, TestData.Set("announce", control: true), TestData.Now.AddMinutes(11), Cancel));
        Assert.Equal(StreamStatus.Enabled, (await Store.Streams.GetStreamAsync("acme", "s1", Cancel))!.Status);

        Assert.True(await Store.Streams.PauseInactiveStreamAsync(paused, 1, TestData.Set("announce", control: true), TestData.Now.AddMinutes(21), Cancel));
        Assert.Equal(StreamStatus.Paused, (await Store.Streams.GetStreamAsync("acme", "s1", Cancel))!.Status);
    }

    [Fact]
    public async Task Reenabling_RestartsTheInactivityClock()
    {
        var stream = TestData.Stream() with { InactivityTimeout = TimeSpan.FromMinutes(10), Status = StreamStatus.Paused };
        await CreateStreamsAsync(stream);

        await Store.Streams.UpdateStreamAsync(stream with { Status = StreamStatus.Enabled, Version = 2, UpdatedAt = TestData.Now.AddHours(1) }, 1, cancellationToken: Cancel);

        Assert.Empty(await Store.Streams.ListInactiveStreamsAsync(TestData.Now.AddHours(1).AddMinutes(9), 10, Cancel));
        Assert.Single(await Store.Streams.ListInactiveStreamsAsync(TestData.Now.AddHours(1).AddMinutes(11), 10, Cancel));
    }

    [Fact]
    public async Task SigningKeys_AKeyAddedWithoutRotation_IsSkippedWhenItsAlgorithmHasAnActiveKey()
    {
        // Two nodes creating a tenant's first RS256 key at once: one key wins, both sign with it.
        await Store.Tenants.CreateTenantAsync(TestData.Tenant(), "hash", [TestData.Key()], Cancel);
        var first = TestData.Key(algorithm: SsfConstants.Algorithms.RS256);
        var second = TestData.Key(algorithm: SsfConstants.Algorithms.RS256);

        await Task.WhenAll(
            Store.Keys.AddSigningKeysAsync("acme", [first], retireActiveAt: null, Cancel),
            Store.Keys.AddSigningKeysAsync("acme", [second], retireActiveAt: null, Cancel));

        var active = (await Store.Keys.ListSigningKeysAsync("acme", Cancel)).Where(k => k.Algorithm == SsfConstants.Algorithms.RS256 && k.RetiredAt is null);
        Assert.Single(active);
    }

    [Fact]
    public async Task SigningKeys_ConcurrentRotations_BothSucceed_AndLeaveOneActiveKey()
    {
        await Store.Tenants.CreateTenantAsync(TestData.Tenant(), "hash", [TestData.Key()], Cancel);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            Store.Keys.AddSigningKeysAsync("acme", [TestData.Key(at: TestData.Now.AddSeconds(i + 1))], retireActiveAt: TestData.Now.AddSeconds(i + 1), Cancel)));

        var keys = await Store.Keys.ListSigningKeysAsync("acme", Cancel);
        Assert.Equal(5, keys.Count);
        Assert.Single(keys, k => k.RetiredAt is null);
    }
}
