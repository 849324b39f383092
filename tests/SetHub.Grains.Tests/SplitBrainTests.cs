using SetHub.Grains.Streams;
using SetHub.Grains.Tests.Infrastructure;

namespace SetHub.Grains.Tests;

/// <summary>
/// Orleans' single activation is eventually consistent: during membership changes two activations of one stream can
/// exist for a while. Two test clusters on one database make that happen on purpose: each activates the stream, and the
/// epoch fence lets only the one that claimed the log last append or record outcomes.
/// </summary>
public sealed class SplitBrainTests : IAsyncLifetime
{
    private GrainCluster _first = null!;
    private GrainCluster _second = null!;

    public async ValueTask InitializeAsync()
    {
        _first = await GrainCluster.StartAsync();
        _second = await GrainCluster.StartBesideAsync(_first);
    }

    public async ValueTask DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Fact]
    public async Task TwoActivationsOfOneStream_CannotBothAppend()
    {
        var (tenant, receiver) = await _first.CreateTenantAsync();
        var key = await _first.CreateStreamAsync(tenant, receiver, push: false);
        Assert.Equal(AppendResult.Queued, await _first.Stream(key).Append(GrainCluster.Set("from-first")));

        // The second cluster's activation claims the log (its first append): the first one is fenced out.
        Assert.Equal(AppendResult.Queued, await _second.Stream(key).Append(GrainCluster.Set("from-second")));
        await Assert.ThrowsAsync<LogFencedException>(() => _first.Stream(key).Append(GrainCluster.Set("too-late")));

        var stored = (await _first.StoredAsync(key)).Select(entry => entry.Jti).ToArray();
        Assert.Contains("from-first", stored);
        Assert.Contains("from-second", stored);
        Assert.DoesNotContain("too-late", stored);
    }

    [Fact]
    public async Task AFencedActivation_CannotRecordOutcomes_ItsDeliveriesStayQueued()
    {
        var (tenant, receiver) = await _first.CreateTenantAsync();
        var key = await _first.CreateStreamAsync(tenant, receiver, push: false);
        await _first.Stream(key).Append(GrainCluster.Set("polled"));
        var polled = await _first.Stream(key).Poll(new PollCall(receiver, [], [], 10, null, default));
        Assert.Contains("polled", polled.Sets.Select(set => set.Jti));

        // The second activation claims the log; the first one's acknowledgement is then refused.
        await _second.Stream(key).Append(GrainCluster.Set("claim"));
        await Assert.ThrowsAsync<LogFencedException>(() =>
            _first.Stream(key).Poll(new PollCall(receiver, [.. polled.Sets.Select(set => set.Jti)], [], 0, null, default)));

        Assert.Contains("polled", (await _first.StoredAsync(key)).Select(entry => entry.Jti));
    }
}
