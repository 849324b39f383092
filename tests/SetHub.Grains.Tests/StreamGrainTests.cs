using System.Diagnostics;
using SetHub.Core.Delivery;
using SetHub.Core.Streams;
using SetHub.Grains.Silos;
using SetHub.Grains.Streams;
using SetHub.Grains.Tests.Infrastructure;
using SetHub.Grains.Tenants;

namespace SetHub.Grains.Tests;

/// <summary>What lives in the stream grain: order, backoff, its reminder, one writer, fencing, and a receiver that
/// hangs without holding the grain.</summary>
public sealed class StreamGrainTests : IAsyncLifetime
{
    private GrainCluster _cluster = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _cluster = await GrainCluster.StartAsync();

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Pushes_LeaveInTheOrderTheSetsWereAppended()
    {
        var (tenant, receiver) = await _cluster.CreateTenantAsync();
        var key = await _cluster.CreateStreamAsync(tenant, receiver);
        await _cluster.Pushes.WaitForPushesAsync(1); // the verification SET of a new stream

        // Appends made without waiting for each other: the grain gives them positions in the order they arrive, and
        // the log keeps that order through group commit.
        var jtis = Enumerable.Range(0, 60).Select(i => $"ordered-{i:00}").ToArray();
        var appended = new List<(string Jti, Task<AppendResult> Result)>();
        foreach (var jti in jtis)
        {
            appended.Add((jti, _cluster.Stream(key).Append(GrainCluster.Set(jti))));
        }

        Assert.All(await Task.WhenAll(appended.Select(append => append.Result)), result => Assert.Equal(AppendResult.Queued, result));
        await _cluster.Pushes.WaitForPushesAsync(1 + jtis.Length);

        var pushed = _cluster.Pushes.Pushes.Skip(1).Select(push => push.Request).ToArray();
        Assert.Equal([.. pushed.Select(push => push.Position).Order()], pushed.Select(push => push.Position));
        Assert.Equal(jtis.Length, pushed.Select(push => push.Token).Distinct().Count());
    }

    [Fact]
    public async Task FailedPushes_BackOff_Exponentially_ThenResumeInOrder()
    {
        var (tenant, receiver) = await _cluster.CreateTenantAsync();
        var key = await _cluster.CreateStreamAsync(tenant, receiver);
        await _cluster.Pushes.WaitForPushesAsync(1);
        _cluster.Pushes.Script(
            _ => Task.FromResult(TestPushDispatcher.Unavailable),
            _ => Task.FromResult(TestPushDispatcher.Unavailable),
            _ => Task.FromResult(TestPushDispatcher.Unavailable));

        await _cluster.Stream(key).Append(GrainCluster.Set("first"));
        await _cluster.Stream(key).Append(GrainCluster.Set("second"));
        await _cluster.Pushes.WaitForPushesAsync(1 + 5);

        var pushes = _cluster.Pushes.Pushes.Skip(1).ToArray();
        Assert.Equal(["first", "first", "first", "first", "second"], pushes.Select(push => push.Request.Token.Split('.')[1]));
        var gaps = pushes.Zip(pushes.Skip(1), (a, b) => b.At - a.At).Take(3).ToArray();

        // RetryBaseDelay 200 ms doubling: at least 200, 400 and 800 ms, never before the nominal delay.
        Assert.True(gaps[0] >= TimeSpan.FromMilliseconds(190), $"first retry after {gaps[0]}");
        Assert.True(gaps[1] >= TimeSpan.FromMilliseconds(390), $"second retry after {gaps[1]}");
        Assert.True(gaps[2] >= TimeSpan.FromMilliseconds(790), $"third retry after {gaps[2]}");
    }

    [Fact]
    public async Task TheReminder_ResumesDelivery_AfterTheGrainWasDeactivated()
    {
        var (tenant, receiver) = await _cluster.CreateTenantAsync();
        var key = await _cluster.CreateStreamAsync(tenant, receiver);
        await _cluster.Pushes.WaitForPushesAsync(1);
        var unavailable = true;
        _cluster.Pushes.Default = _ => Task.FromResult(Volatile.Read(ref unavailable) ? TestPushDispatcher.Unavailable : TestPushDispatcher.Delivered);
        await _cluster.Stream(key).Append(GrainCluster.Set("waiting"));
        await _cluster.Pushes.WaitForPushesAsync(2);

        // Every activation goes, with its timers; only the reminder (every 2 s here) can bring the stream back.
        await _cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, Cancel);
        var pushesWhileGone = _cluster.Pushes.Pushes.Count;
        Volatile.Write(ref unavailable, false);

        var deadline = DateTime.UtcNow + (GrainCluster.ReminderPeriod * 10);
        while ((await _cluster.StoredAsync(key)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the reminder never resumed the stream");
            await Task.Delay(100, Cancel);
        }

        Assert.Contains(_cluster.Pushes.Pushes.Skip(pushesWhileGone), push => push.Request.Token.Contains(".waiting.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConcurrentUpdates_OfOneStream_TakeTurns_AndAllLand()
    {
        var (tenant, receiver) = await _cluster.CreateTenantAsync();
        var key = await _cluster.CreateStreamAsync(tenant, receiver, push: false);
        var before = (await _cluster.Stream(key).Get(receiver)).Value!.Version;

        var updates = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            _cluster.Grains.GetGrain<ITenantGrain>(tenant).ConfigureStream(receiver, key.StreamId, $$"""{"stream_id":"{{key.StreamId}}","description":"update {{i}}"}""", StreamOperation.Update)));

        Assert.All(updates, update => Assert.True(update.IsSuccess, update.Error?.Description));
        Assert.Equal(before + 20, (await _cluster.Stream(key).Get(receiver)).Value!.Version);
        Assert.Equal(20, updates.Select(update => update.Value!.Version).Distinct().Count());
    }

    [Fact]
    public async Task AReceiverThatHangs_HoldsNoGrainTurn_PatchStatusAndDeleteAnswerAtOnce()
    {
        var (tenant, receiver) = await _cluster.CreateTenantAsync();
        var key = await _cluster.CreateStreamAsync(tenant, receiver);
        await _cluster.Pushes.WaitForPushesAsync(1);
        var hang = new TaskCompletionSource<PushOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _cluster.Pushes.Script(_ => hang.Task);
        await _cluster.Stream(key).Append(GrainCluster.Set("stuck"));
        await _cluster.Pushes.WaitForPushesAsync(2);
        var tenantGrain = _cluster.Grains.GetGrain<ITenantGrain>(tenant);

        var watch = Stopwatch.StartNew();
        var patched = await tenantGrain.ConfigureStream(receiver, key.StreamId, $$"""{"stream_id":"{{key.StreamId}}","description":"changed while a push hangs"}""", StreamOperation.Update);
        var paused = await tenantGrain.SetStreamStatus(receiver, key.StreamId, StreamStatus.Paused, "hold on");
        var status = await _cluster.Stream(key).Get(receiver);
        var deleted = await tenantGrain.DeleteStream(receiver, key.StreamId);
        watch.Stop();

        Assert.False(hang.Task.IsCompleted, "the push is still out with the receiver");
        Assert.True(patched.IsSuccess && paused.IsSuccess && status.IsSuccess && deleted is null);
        Assert.Equal(StreamStatus.Paused, status.Value!.Status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        hang.SetResult(TestPushDispatcher.Delivered);
    }

    [Fact]
    public async Task AppendingTheSameJtiAgain_QueuesItOnce()
    {
        var (tenant, receiver) = await _cluster.CreateTenantAsync();
        var key = await _cluster.CreateStreamAsync(tenant, receiver, push: false);

        Assert.Equal(AppendResult.Queued, await _cluster.Stream(key).Append(GrainCluster.Set("once")));
        Assert.Equal(AppendResult.Duplicate, await _cluster.Stream(key).Append(GrainCluster.Set("once")));

        Assert.Single(await _cluster.StoredAsync(key), entry => entry.Jti == "once");
    }

    [Fact]
    public async Task AFanOutCutShortBySiloLoss_ThenRetried_LeavesOneSetPerStream()
    {
        // Publishing has no transaction across streams: a silo dying half-way leaves some streams with the SET and
        // others without. The publisher's retry (same txn, so the same jtis) completes it without doubling any.
        var (tenant, receiver) = await _cluster.CreateTenantAsync();
        var streams = new List<Core.Storage.StreamKey>();
        for (var i = 0; i < 16; i++)
        {
            streams.Add(await _cluster.CreateStreamAsync(tenant, receiver, push: false));
        }

        var firstHalf = streams.Take(8).ToArray();
        await Task.WhenAll(firstHalf.Select(key => _cluster.Stream(key).Append(GrainCluster.Set($"fan-{key.StreamId}"))));
        await _cluster.Cluster.KillSiloAsync(_cluster.Cluster.Silos[1], Cancel);

        var retried = await Task.WhenAll(streams.Select(key => AppendWithRetryAsync(key, GrainCluster.Set($"fan-{key.StreamId}"))));

        Assert.Equal(8, retried.Count(result => result == AppendResult.Duplicate));
        Assert.Equal(8, retried.Count(result => result == AppendResult.Queued));
        foreach (var key in streams)
        {
            Assert.Single(await _cluster.StoredAsync(key), entry => entry.Jti == $"fan-{key.StreamId}");
        }
    }

    [Fact]
    public async Task ALongPoll_LeavesItsSilo_WhichTheNextDurableSetWakes_AndADeleteEnds()
    {
        var (tenant, receiver) = await _cluster.CreateTenantAsync();
        var key = await _cluster.CreateStreamAsync(tenant, receiver, push: false);
        var silo = _cluster.Cluster.Silos[0].SiloAddress;
        var drain = await _cluster.Stream(key).Poll(new PollCall(receiver, [], [], 10, null, default));
        await _cluster.Stream(key).Poll(new PollCall(receiver, [.. drain.Sets.Select(set => set.Jti)], [], 0, null, default));

        var empty = await _cluster.Stream(key).Poll(new PollCall(receiver, [], [], 10, silo, DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.Empty(empty.Sets);
        await _cluster.Stream(key).Append(GrainCluster.Set("wake"));
        await WaitForSignalAsync(key, StreamSignal.Available);

        await _cluster.Stream(key).Poll(new PollCall(receiver, [], [], 0, silo, DateTimeOffset.UtcNow.AddMinutes(1)));
        var moreAvailable = await _cluster.Stream(key).Poll(new PollCall(receiver, [], [], 10, silo, DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.Equal(["wake"], moreAvailable.Sets.Select(set => set.Jti));
        await _cluster.Stream(key).Poll(new PollCall(receiver, [], [], 10, silo, DateTimeOffset.UtcNow.AddMinutes(1)));
        await _cluster.Grains.GetGrain<ITenantGrain>(tenant).DeleteStream(receiver, key.StreamId);
        await WaitForSignalAsync(key, StreamSignal.Deleted);
    }

    private async Task<AppendResult> AppendWithRetryAsync(Core.Storage.StreamKey key, SetToAppend set)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _cluster.Stream(key).Append(set);
            }
            catch (Exception) when (attempt < 20)
            {
                // The dead silo's grains come back once membership has noticed.
                await Task.Delay(250, Cancel);
            }
        }
    }

    private async Task WaitForSignalAsync(Core.Storage.StreamKey key, StreamSignal signal)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_cluster.Targets.Any(targets => targets.Signals.Contains((key.ToString(), signal))))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {signal} signal reached the waiting silo");
            await Task.Delay(20, Cancel);
        }
    }
}
