using SetHub.Grains.Tests.Infrastructure;
using SetHub.Grains.Tenants;

namespace SetHub.Grains.Tests;

/// <summary>The tenant grain: every change reaches every silo before it is reported done.</summary>
public sealed class TenantGrainTests : IAsyncLifetime
{
    private GrainCluster _cluster = null!;

    public async ValueTask InitializeAsync() => _cluster = await GrainCluster.StartAsync();

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task EveryChange_IsTakenByEverySilo_BeforeItReturns()
    {
        var (tenant, _) = await _cluster.CreateTenantAsync();
        var grain = _cluster.Grains.GetGrain<ITenantGrain>(tenant);

        await grain.RotateKeys();
        var version = (await grain.GetSnapshot(knownVersion: null)).Version;

        Assert.Equal(2, _cluster.Targets.Count);
        Assert.All(_cluster.Targets, silo => Assert.Contains((tenant, version), silo.Invalidations));
    }

    [Fact]
    public async Task Snapshots_AreSentOnlyWhenTheVersionMoved()
    {
        var (tenant, receiver) = await _cluster.CreateTenantAsync();
        var grain = _cluster.Grains.GetGrain<ITenantGrain>(tenant);
        var first = await grain.GetSnapshot(knownVersion: null);

        var unchanged = await grain.GetSnapshot(first.Version);
        await _cluster.CreateStreamAsync(tenant, receiver);
        var changed = await grain.GetSnapshot(first.Version);

        Assert.NotNull(first.Snapshot);
        Assert.Null(unchanged.Snapshot);
        Assert.Single(changed.Snapshot!.Streams);
        Assert.Single(changed.Snapshot.Receivers, r => r.ReceiverId == receiver);
    }

    [Fact]
    public async Task ARevokedReceiver_LosesItsCredentialAndItsStreams()
    {
        var (tenant, receiver) = await _cluster.CreateTenantAsync();
        var key = await _cluster.CreateStreamAsync(tenant, receiver, push: false);
        var grain = _cluster.Grains.GetGrain<ITenantGrain>(tenant);

        Assert.True(await grain.RevokeReceiver(receiver));

        var snapshot = (await grain.GetSnapshot(null)).Snapshot!;
        Assert.Empty(snapshot.Receivers);
        Assert.Empty(snapshot.Streams);
        Assert.False((await _cluster.Stream(key).Get(null)).IsSuccess);
        Assert.Empty(await _cluster.StoredAsync(key));
    }
}
