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
        var identity = (await grain.GetSnapshot(knownVersion: null)).Version;
        var directory = (await grain.GetDirectory(knownVersion: null)).Version;

        Assert.Equal(2, _cluster.Targets.Count);
        Assert.All(_cluster.Targets, silo => Assert.Contains((tenant, identity, directory), silo.Invalidations));
    }

    [Fact]
    public async Task Snapshots_AreSentOnlyWhenTheirVersionMoved()
    {
        var (tenant, receiver) = await _cluster.CreateTenantAsync();
        var grain = _cluster.Grains.GetGrain<ITenantGrain>(tenant);
        var identity = await grain.GetSnapshot(knownVersion: null);
        var directory = await grain.GetDirectory(knownVersion: null);

        var unchanged = await grain.GetDirectory(directory.Version);
        await _cluster.CreateStreamAsync(tenant, receiver);
        var changed = await grain.GetDirectory(directory.Version);
        var identityAfterwards = await grain.GetSnapshot(identity.Version);

        Assert.NotNull(identity.Snapshot);
        Assert.Single(identity.Snapshot.Receivers, r => r.ReceiverId == receiver);
        Assert.NotNull(directory.Snapshot);
        Assert.Null(unchanged.Snapshot);
        Assert.Single(changed.Snapshot!.Streams);
        Assert.Null(identityAfterwards.Snapshot); // a new stream leaves credentials and keys as they were
    }

    [Fact]
    public async Task ARevokedReceiver_LosesItsCredentialAndItsStreams()
    {
        var (tenant, receiver) = await _cluster.CreateTenantAsync();
        var key = await _cluster.CreateStreamAsync(tenant, receiver, push: false);
        var grain = _cluster.Grains.GetGrain<ITenantGrain>(tenant);

        Assert.True(await grain.RevokeReceiver(receiver));

        Assert.Empty((await grain.GetSnapshot(null)).Snapshot!.Receivers);
        Assert.Empty((await grain.GetDirectory(null)).Snapshot!.Streams);
        Assert.False((await _cluster.Stream(key).Get(null)).IsSuccess);
        Assert.Empty(await _cluster.StoredAsync(key));
    }
}
