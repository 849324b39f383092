using System.Net;
using SetHub.Storage.Relational;
using SetHub.Storage.Relational.Providers;

namespace SetHub.Storage.Tests;

/// <summary>Membership table: version-fenced inserts and updates, heartbeats, cleanup, racing initialization.</summary>
public abstract partial class RelationalStoreContractTests
{
    private static readonly DateTime SiloStart = new(2026, 12, 1, 9, 0, 0, 125, DateTimeKind.Utc);
    private static int _generation = 1_000;

    private static SiloAddress NewSilo(int port = 11111) =>
        SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), Interlocked.Increment(ref _generation));

    private static MembershipEntry Entry(SiloAddress? silo = null, SiloStatus status = SiloStatus.Joining, DateTime? time = null)
    {
        silo ??= NewSilo();
        return new MembershipEntry
        {
            SiloAddress = silo,
            SiloName = $"silo-{silo.Generation}",
            HostName = "host-a",
            Status = status,
            ProxyPort = 30000,
            StartTime = time ?? SiloStart,
            IAmAliveTime = time ?? SiloStart,
        };
    }

    private async Task<RelationalMembershipTable> InitializedMembershipAsync(string clusterId = "cluster-a")
    {
        var membership = ProvidersUnderTest.Membership(Database, clusterId);
        await membership.InitializeMembershipTableAsync(true, Cancel);
        return membership;
    }

    [Fact]
    public async Task ReadAll_OfANewTable_IsEmptyAtVersionZero()
    {
        var membership = await InitializedMembershipAsync();

        var table = await membership.ReadAllAsync(Cancel);

        Assert.Empty(table.Members);
        Assert.Equal(0, table.Version.Version);
        Assert.NotNull(table.Version.VersionEtag);
    }

    [Fact]
    public async Task InsertRow_BeforeTheVersionRowExists_ReturnsFalse()
    {
        var membership = ProvidersUnderTest.Membership(Database);
        var table = await membership.ReadAllAsync(Cancel);

        Assert.False(await membership.InsertRowAsync(Entry(), table.Version.Next(), Cancel));
    }

    [Fact]
    public async Task InsertRow_WithTheNextVersion_AddsTheRowAndAdvancesTheVersion()
    {
        var membership = await InitializedMembershipAsync();
        var before = await membership.ReadAllAsync(Cancel);
        var entry = Entry();

        Assert.True(await membership.InsertRowAsync(entry, before.Version.Next(), Cancel));

        var after = await membership.ReadAllAsync(Cancel);
        Assert.Equal(1, after.Version.Version);
        Assert.NotEqual(before.Version.VersionEtag, after.Version.VersionEtag);
        var (read, etag) = Assert.Single(after.Members);
        Assert.Equal(entry.ToFullString(), read.ToFullString());
        Assert.False(string.IsNullOrEmpty(etag));
    }

    [Fact]
    public async Task InsertRow_WithAStaleTableVersion_ReturnsFalseAndWritesNothing()
    {
        var membership = await InitializedMembershipAsync();
        var stale = (await membership.ReadAllAsync(Cancel)).Version.Next();
        Assert.True(await membership.InsertRowAsync(Entry(), stale, Cancel));

        Assert.False(await membership.InsertRowAsync(Entry(), stale, Cancel));

        var table = await membership.ReadAllAsync(Cancel);
        Assert.Single(table.Members);
        Assert.Equal(1, table.Version.Version);
    }

    [Fact]
    public async Task InsertRow_OfASiloAlreadyInTheTable_ReturnsFalseAndLeavesTheVersion()
    {
        var membership = await InitializedMembershipAsync();
        var entry = Entry();
        Assert.True(await membership.InsertRowAsync(entry, (await membership.ReadAllAsync(Cancel)).Version.Next(), Cancel));
        var current = (await membership.ReadAllAsync(Cancel)).Version;

        Assert.False(await membership.InsertRowAsync(entry, current.Next(), Cancel));

        Assert.Equal(current, (await membership.ReadAllAsync(Cancel)).Version);
    }

    [Fact]
    public async Task InsertRow_ConcurrentInsertsAtOneVersion_ExactlyOneWins()
    {
        var membership = await InitializedMembershipAsync();
        var next = (await membership.ReadAllAsync(Cancel)).Version.Next();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => membership.InsertRowAsync(Entry(), next, Cancel)));

        Assert.Single(outcomes, inserted => inserted);
        var table = await membership.ReadAllAsync(Cancel);
        Assert.Single(table.Members);
        Assert.Equal(1, table.Version.Version);
    }

    [Fact]
    public async Task UpdateRow_WithCurrentEtags_RewritesEveryFieldAndAdvancesTheVersion()
    {
        var membership = await InitializedMembershipAsync();
        var entry = Entry();
        Assert.True(await membership.InsertRowAsync(entry, (await membership.ReadAllAsync(Cancel)).Version.Next(), Cancel));
        var read = await membership.ReadRowAsync(entry.SiloAddress, Cancel);
        var (_, etag) = Assert.Single(read.Members);

        var changed = Entry(entry.SiloAddress, SiloStatus.Active, SiloStart.AddMinutes(1));
        changed.StartTime = SiloStart;
        changed.HostName = "host-b";
        changed.SiloName = "renamed";
        changed.ProxyPort = 30001;
        changed.RoleName = "front";
        changed.UpdateZone = 2;
        changed.FaultZone = 3;
        changed.AddSuspector(NewSilo(22222), SiloStart.AddSeconds(30));
        changed.AddSuspector(NewSilo(22223), SiloStart.AddSeconds(31));
        Assert.True(await membership.UpdateRowAsync(changed, etag, read.Version.Next(), Cancel));

        var after = await membership.ReadRowAsync(entry.SiloAddress, Cancel);
        var (stored, newEtag) = Assert.Single(after.Members);
        Assert.Equal(changed.ToFullString(), stored.ToFullString());
        Assert.Equal(changed.SuspectTimes, stored.SuspectTimes);
        Assert.NotEqual(etag, newEtag);
        Assert.Equal(2, after.Version.Version);
    }

    [Fact]
    public async Task UpdateRow_WithAStaleRowEtag_ReturnsFalseAndWritesNothing()
    {
        var membership = await InitializedMembershipAsync();
        var entry = Entry();
        Assert.True(await membership.InsertRowAsync(entry, (await membership.ReadAllAsync(Cancel)).Version.Next(), Cancel));
        var (_, staleEtag) = (await membership.ReadRowAsync(entry.SiloAddress, Cancel)).Members[0];
        var current = await membership.ReadAllAsync(Cancel);
        Assert.True(await membership.UpdateRowAsync(Entry(entry.SiloAddress, SiloStatus.Active), staleEtag, current.Version.Next(), Cancel));
        var afterFirst = await membership.ReadAllAsync(Cancel);

        Assert.False(await membership.UpdateRowAsync(Entry(entry.SiloAddress, SiloStatus.Dead), staleEtag, afterFirst.Version.Next(), Cancel));

        var table = await membership.ReadAllAsync(Cancel);
        Assert.Equal(afterFirst.Version, table.Version);
        Assert.Equal(SiloStatus.Active, table.Members[0].Item1.Status);
    }

    [Fact]
    public async Task UpdateRow_WithAStaleTableVersion_ReturnsFalseAndWritesNothing()
    {
        var membership = await InitializedMembershipAsync();
        var entry = Entry();
        var inserted = (await membership.ReadAllAsync(Cancel)).Version.Next();
        Assert.True(await membership.InsertRowAsync(entry, inserted, Cancel));
        var (_, etag) = (await membership.ReadRowAsync(entry.SiloAddress, Cancel)).Members[0];

        // The row ETag is current, but the table version is the one the insert already used.
        Assert.False(await membership.UpdateRowAsync(Entry(entry.SiloAddress, SiloStatus.Active), etag, inserted, Cancel));

        var table = await membership.ReadAllAsync(Cancel);
        Assert.Equal(1, table.Version.Version);
        Assert.Equal(SiloStatus.Joining, table.Members[0].Item1.Status);
        Assert.Equal(etag, table.Members[0].Item2);
    }

    [Fact]
    public async Task UpdateRow_OfASiloNotInTheTable_ReturnsFalse()
    {
        var membership = await InitializedMembershipAsync();

        Assert.False(await membership.UpdateRowAsync(Entry(), "1", (await membership.ReadAllAsync(Cancel)).Version.Next(), Cancel));

        Assert.Equal(0, (await membership.ReadAllAsync(Cancel)).Version.Version);
    }

    [Fact]
    public async Task UpdateRow_ConcurrentUpdatersFromOneRead_ExactlyOneWins()
    {
        var membership = await InitializedMembershipAsync();
        var entry = Entry();
        Assert.True(await membership.InsertRowAsync(entry, (await membership.ReadAllAsync(Cancel)).Version.Next(), Cancel));
        var read = await membership.ReadRowAsync(entry.SiloAddress, Cancel);
        var etag = read.Members[0].Item2;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            membership.UpdateRowAsync(Entry(entry.SiloAddress, SiloStatus.Active), etag, read.Version.Next(), Cancel)));

        Assert.Single(outcomes, updated => updated);
        Assert.Equal(2, (await membership.ReadAllAsync(Cancel)).Version.Version);
    }

    [Fact]
    public async Task UpdateIAmAlive_ChangesOnlyTheAliveTime_AndKeepsEarlierReadsValid()
    {
        var membership = await InitializedMembershipAsync();
        var entry = Entry();
        Assert.True(await membership.InsertRowAsync(entry, (await membership.ReadAllAsync(Cancel)).Version.Next(), Cancel));
        var before = await membership.ReadRowAsync(entry.SiloAddress, Cancel);

        var alive = SiloStart.AddSeconds(90);
        await membership.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = alive }, Cancel);

        var after = await membership.ReadRowAsync(entry.SiloAddress, Cancel);
        var (stored, etag) = Assert.Single(after.Members);
        Assert.Equal(alive, stored.IAmAliveTime);
        Assert.Equal(before.Members[0].Item2, etag);
        Assert.Equal(before.Version, after.Version);
        entry.IAmAliveTime = alive;
        Assert.Equal(entry.ToFullString(), stored.ToFullString());

        // A suspicion computed from the pre-heartbeat read still lands, and does not roll the heartbeat back.
        var suspected = Entry(entry.SiloAddress);
        suspected.AddSuspector(NewSilo(22222), SiloStart.AddSeconds(60));
        Assert.True(await membership.UpdateRowAsync(suspected, before.Members[0].Item2, before.Version.Next(), Cancel));
        Assert.Equal(alive, (await membership.ReadRowAsync(entry.SiloAddress, Cancel)).Members[0].Item1.IAmAliveTime);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_DeletesOldRowsOfSilosNotActive_AndKeepsTheRest()
    {
        var membership = await InitializedMembershipAsync();
        var old = SiloStart.AddDays(-10);
        var oldDead = Entry(status: SiloStatus.Dead, time: old);
        var oldJoining = Entry(status: SiloStatus.Joining, time: old);
        var oldActive = Entry(status: SiloStatus.Active, time: old);
        var recentDead = Entry(status: SiloStatus.Dead);
        var suspectedLately = Entry(status: SiloStatus.Dead, time: old); // its last update is a recent suspicion vote
        suspectedLately.AddSuspector(NewSilo(22222), SiloStart);
        foreach (var entry in new[] { oldDead, oldJoining, oldActive, recentDead, suspectedLately })
        {
            Assert.True(await membership.InsertRowAsync(entry, (await membership.ReadAllAsync(Cancel)).Version.Next(), Cancel));
        }

        var version = (await membership.ReadAllAsync(Cancel)).Version;

        await membership.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(SiloStart.AddDays(-3)), Cancel);

        var table = await membership.ReadAllAsync(Cancel);
        Assert.Equal(
            new[] { oldActive, recentDead, suspectedLately }.Select(e => e.SiloAddress).Order(),
            table.Members.Select(m => m.Item1.SiloAddress).Order());
        Assert.Equal(version, table.Version);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_WithACutOffOneTickAfterARow_DeletesThatRow()
    {
        // Orleans' cleanup agent sets the cut-off one tick after the newest defunct entry it wants gone.
        var membership = await InitializedMembershipAsync();
        var dead = Entry(status: SiloStatus.Dead, time: SiloStart);
        Assert.True(await membership.InsertRowAsync(dead, (await membership.ReadAllAsync(Cancel)).Version.Next(), Cancel));

        await membership.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(SiloStart).AddTicks(1), Cancel);

        Assert.Empty((await membership.ReadAllAsync(Cancel)).Members);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_DeletesOnlyThatCluster()
    {
        var a = await InitializedMembershipAsync("cluster-a");
        var b = await InitializedMembershipAsync("cluster-b");
        Assert.True(await a.InsertRowAsync(Entry(), (await a.ReadAllAsync(Cancel)).Version.Next(), Cancel));
        Assert.True(await b.InsertRowAsync(Entry(), (await b.ReadAllAsync(Cancel)).Version.Next(), Cancel));

        await a.DeleteMembershipTableEntriesAsync("cluster-a", Cancel);

        var tableA = await a.ReadAllAsync(Cancel);
        Assert.Empty(tableA.Members);
        Assert.Equal(0, tableA.Version.Version);
        Assert.Single((await b.ReadAllAsync(Cancel)).Members);
        Assert.Equal(1, (await b.ReadAllAsync(Cancel)).Version.Version);
    }

    [Fact]
    public async Task ReadRow_ReturnsThatSiloOnly_WithTheTableVersion()
    {
        var membership = await InitializedMembershipAsync();
        var (a, b) = (Entry(), Entry());
        Assert.True(await membership.InsertRowAsync(a, (await membership.ReadAllAsync(Cancel)).Version.Next(), Cancel));
        Assert.True(await membership.InsertRowAsync(b, (await membership.ReadAllAsync(Cancel)).Version.Next(), Cancel));

        var row = await membership.ReadRowAsync(b.SiloAddress, Cancel);
        var missing = await membership.ReadRowAsync(NewSilo(), Cancel);

        Assert.Equal(b.SiloAddress, Assert.Single(row.Members).Item1.SiloAddress);
        Assert.Equal(2, row.Version.Version);
        Assert.Empty(missing.Members);
        Assert.Equal(row.Version, missing.Version);
    }

    [Fact]
    public async Task InitializeMembershipTable_ByManyNodesAtOnce_CreatesOneVersionRowWithoutErrors()
    {
        var nodes = new List<(RelationalDatabase Database, IAsyncDisposable Owner)>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                nodes.Add(await OpenAnotherNodeAsync());
            }

            var tables = nodes.Select(node => ProvidersUnderTest.Membership(new CountingDatabase(node.Database), "racing")).ToArray();
            await Task.WhenAll(tables.Select(table => table.InitializeMembershipTableAsync(true, Cancel)));

            var versions = await Task.WhenAll(tables.Select(table => table.ReadAllAsync(Cancel)));
            Assert.Single(versions.Select(v => v.Version).Distinct());
            Assert.Equal(0, versions[0].Version.Version);
            Assert.True(await tables[0].InsertRowAsync(Entry(), versions[0].Version.Next(), Cancel));
            await tables[1].InitializeMembershipTableAsync(true, Cancel); // a late node does not reset the version
            Assert.Equal(1, (await tables[1].ReadAllAsync(Cancel)).Version.Version);
        }
        finally
        {
            foreach (var (_, owner) in nodes)
            {
                await owner.DisposeAsync();
            }
        }
    }
}
