using SetHub.Core;
using SetHub.Core.Storage;
using SetHub.Core.Streams;

namespace SetHub.Storage.Tests;

/// <summary>The SET queue: lanes, poll, dead letters, re-drive and expiry.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Sets_EnqueuedIntoTheLaneOfTheirStream()
    {
        await CreateStreamsAsync(
            TestData.Stream(id: "poll"),
            TestData.Stream(id: "push", delivery: TestData.Push()),
            TestData.Stream(id: "paused") with { Status = StreamStatus.Paused },
            TestData.Stream(id: "disabled") with { Status = StreamStatus.Disabled });

        var queued = await Store.Sets.EnqueueAsync(
        [
            TestData.Set("a", streamId: "poll"),
            TestData.Set("b", streamId: "push"),
            TestData.Set("c", streamId: "paused"),
            TestData.Set("c-control", streamId: "paused", control: true),
            TestData.Set("d", streamId: "disabled"),
            TestData.Set("d-control", streamId: "disabled", control: true),
            TestData.Set("e", streamId: "missing"),
        ], Cancel);

        // SSF 1.0 §8.1.2.1: paused holds, disabled drops; control SETs always go out.
        Assert.Equal(
            [("a", SetLane.Poll), ("b", SetLane.Push), ("c", SetLane.Held), ("c-control", SetLane.Poll), ("d-control", SetLane.Poll)],
            queued.Select(q => (q.Set.Jti, q.Lane)));
    }

    [Fact]
    public async Task Sets_Poll_ReturnsOldestFirstWithMoreAvailable()
    {
        await CreateStreamsAsync(TestData.Stream());
        await Store.Sets.EnqueueAsync([TestData.Set("j1"), TestData.Set("j2"), TestData.Set("j3")], Cancel);

        var first = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(maxEvents: 2), Cancel);
        Assert.Equal(["j1", "j2"], first.Sets.Select(s => s.Jti));
        Assert.Equal("header.j1.signature", first.Sets[0].Token);
        Assert.True(first.MoreAvailable); // R50

        var second = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(maxEvents: 2), Cancel);
        Assert.Equal(["j3"], second.Sets.Select(s => s.Jti));
        Assert.False(second.MoreAvailable);
    }

    [Fact]
    public async Task Sets_Acknowledged_NeverComeBack()
    {
        // R55: an acknowledged jti does not come back, even after the redelivery interval.
        await CreateStreamsAsync(TestData.Stream());
        await Store.Sets.EnqueueAsync([TestData.Set("j1"), TestData.Set("j2")], Cancel);
        await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel);

        var afterAck = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddHours(1), acks: ["j1", "unknown-jti"]), Cancel);

        Assert.Equal(["j2"], afterAck.Sets.Select(s => s.Jti));
        var later = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddHours(2), acks: ["j2"]), Cancel);
        Assert.Empty(later.Sets);
    }

    [Fact]
    public async Task Sets_Unacknowledged_AreRedeliveredAfterTheInterval()
    {
        // R54: in flight until RedeliverAt, then due again, with the same bytes.
        await CreateStreamsAsync(TestData.Stream());
        await Store.Sets.EnqueueAsync([TestData.Set("j1")], Cancel);
        var first = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel);

        Assert.Empty((await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddSeconds(59)), Cancel)).Sets);
        var again = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddSeconds(60)), Cancel);
        Assert.Equal(first.Sets, again.Sets);
    }

    [Fact]
    public async Task Sets_AckOnlyPoll_ReturnsNothing()
    {
        // R53, OIDF ack-only module: maxEvents 0 acknowledges without taking SETs.
        await CreateStreamsAsync(TestData.Stream());
        await Store.Sets.EnqueueAsync([TestData.Set("j1"), TestData.Set("j2")], Cancel);

        var batch = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(maxEvents: 0, acks: ["j1"]), Cancel);

        Assert.Empty(batch.Sets);
        Assert.True(batch.MoreAvailable);
        Assert.Equal(["j2"], (await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel)).Sets.Select(s => s.Jti));
    }

    [Fact]
    public async Task Sets_ReportedErrors_AreDeadLettered()
    {
        await CreateStreamsAsync(TestData.Stream());
        await Store.Sets.EnqueueAsync([TestData.Set("j1"), TestData.Set("j2")], Cancel);
        await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel);

        var errors = new Dictionary<string, SetError> { ["j1"] = new(SsfConstants.DeliveryErrors.InvalidKey, "unknown kid") };
        await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddSeconds(1), errors: errors, acks: ["j2"]), Cancel);

        Assert.Empty((await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddHours(1)), Cancel)).Sets);
        var dead = Assert.Single(await Store.Sets.ListDeadLettersAsync("acme", "s1", 10, Cancel));
        Assert.Equal("j1", dead.Jti);
        Assert.Equal("receiver reported invalid_key: unknown kid", dead.LastError);
    }

    [Fact]
    public async Task Sets_PausedStreamHoldsEvents_UntilEnabled()
    {
        var stream = TestData.Stream();
        await CreateStreamsAsync(stream);
        await Store.Sets.EnqueueAsync([TestData.Set("before-pause")], Cancel);
        var paused = stream with { Status = StreamStatus.Paused, Version = 2 };
        await Store.Streams.UpdateStreamAsync(paused, 1, cancellationToken: Cancel);
        await Store.Sets.EnqueueAsync([TestData.Set("while-paused"), TestData.Set("verify", control: true)], Cancel);

        Assert.Equal(["verify"], (await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel)).Sets.Select(s => s.Jti));
        Assert.Equal(new(3, 2, 0), await Store.Sets.CountAsync("acme", "s1", Cancel)); // the verification is in flight, not yet acknowledged

        await Store.Streams.UpdateStreamAsync(paused with { Status = StreamStatus.Enabled, Version = 3 }, 2, cancellationToken: Cancel);
        Assert.Equal(["before-pause", "while-paused"], (await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel)).Sets.Select(s => s.Jti));
    }

    [Fact]
    public async Task Sets_DisablingDropsHeldEvents_ButKeepsControlSets()
    {
        // SSF 1.0 §8.1.2.1: a disabled stream holds nothing; verification SETs still go out.
        var stream = TestData.Stream();
        await CreateStreamsAsync(stream);
        await Store.Sets.EnqueueAsync([TestData.Set("event-1"), TestData.Set("verify-1", control: true), TestData.Set("event-2")], Cancel);

        Assert.True(await Store.Streams.UpdateStreamAsync(stream with { Status = StreamStatus.Disabled, Version = 2 }, 1, cancellationToken: Cancel));

        Assert.Equal(["verify-1"], (await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel)).Sets.Select(s => s.Jti));
    }

    [Fact]
    public async Task Sets_SwitchingDeliveryMethod_MovesQueuedSetsToTheNewLane()
    {
        var stream = TestData.Stream();
        await CreateStreamsAsync(stream);
        await Store.Sets.EnqueueAsync([TestData.Set("j1")], Cancel);

        await Store.Streams.UpdateStreamAsync(stream with { Delivery = TestData.Push(), Version = 2 }, 1, cancellationToken: Cancel);

        Assert.Empty((await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel)).Sets);
        Assert.Single(await Store.Push.ClaimStreamsAsync("node", 10, TestData.Now, TestData.Now.AddMinutes(1), Cancel));
        Assert.Equal(["j1"], (await Store.Push.GetPushSetsAsync("acme", "s1", 10, Cancel)).Select(s => s.Jti));
    }

    [Fact]
    public async Task Sets_AreIsolatedPerStreamAndTenant()
    {
        await CreateStreamsAsync(TestData.Stream(id: "s1"), TestData.Stream(id: "s2"), TestData.Stream(tenantId: "beta", id: "s1"));
        await Store.Sets.EnqueueAsync([TestData.Set("a", streamId: "s1"), TestData.Set("b", streamId: "s2"), TestData.Set("c", tenantId: "beta", streamId: "s1")], Cancel);

        Assert.Equal(["a"], (await Store.Sets.PollAsync("acme", "s1", TestData.Poll(acks: ["b", "c"]), Cancel)).Sets.Select(s => s.Jti));
        Assert.Equal(["b"], (await Store.Sets.PollAsync("acme", "s2", TestData.Poll(), Cancel)).Sets.Select(s => s.Jti));
        Assert.Equal(["c"], (await Store.Sets.PollAsync("beta", "s1", TestData.Poll(), Cancel)).Sets.Select(s => s.Jti));
    }

    [Fact]
    public async Task Sets_ConcurrentPolls_NeverHandOutTheSameSetTwice()
    {
        await CreateStreamsAsync(TestData.Stream());
        await Store.Sets.EnqueueAsync(Enumerable.Range(0, 200).Select(i => TestData.Set($"j{i:D3}")).ToArray(), Cancel);

        var batches = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Store.Sets.PollAsync("acme", "s1", TestData.Poll(maxEvents: 15), Cancel)));

        var jtis = batches.SelectMany(b => b.Sets).Select(s => s.Jti).ToArray();
        Assert.Equal(150, jtis.Length);
        Assert.Equal(jtis.Length, jtis.Distinct().Count());
    }

    [Fact]
    public async Task Sets_Expire_DeadLettersOnlyOldQueuedSets()
    {
        await CreateStreamsAsync(TestData.Stream());
        await Store.Sets.EnqueueAsync([TestData.Set("old", at: TestData.Now), TestData.Set("new", at: TestData.Now.AddHours(1))], Cancel);

        Assert.Equal(1, await Store.Sets.ExpireAsync(TestData.Now.AddMinutes(30), 100, Cancel));

        var dead = Assert.Single(await Store.Sets.ListDeadLettersAsync("acme", "s1", 10, Cancel));
        Assert.Equal("old", dead.Jti);
        Assert.StartsWith("expired", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(["new"], (await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddHours(2)), Cancel)).Sets.Select(s => s.Jti));
    }

    [Fact]
    public async Task Sets_Redrive_RequeuesDeadLettersWithAFreshClock()
    {
        await CreateStreamsAsync(TestData.Stream());
        await Store.Sets.EnqueueAsync([TestData.Set("a"), TestData.Set("b"), TestData.Set("c")], Cancel);
        await Store.Sets.ExpireAsync(TestData.Now.AddSeconds(1), 100, Cancel);

        Assert.Equal(1, await Store.Sets.RedriveAsync("acme", "s1", ["b", "unknown"], TestData.Now.AddDays(1), Cancel));
        Assert.Equal(2, await Store.Sets.RedriveAsync("acme", "s1", null, TestData.Now.AddDays(1), Cancel));

        var letters = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddDays(1)), Cancel);
        Assert.Equal(["a", "b", "c"], letters.Sets.Select(s => s.Jti));
        Assert.Equal(0, await Store.Sets.ExpireAsync(TestData.Now.AddHours(23), 100, Cancel)); // the clock restarted
    }
}
