using Orleans.Storage;
using static SetHub.Storage.Tests.CounterStates;

namespace SetHub.Storage.Tests;

/// <summary>Grain storage: ETags, insert-if-absent, tombstones, batched reads, version tolerance.</summary>
public abstract partial class RelationalStoreContractTests
{

    [Fact]
    public async Task ReadState_OfANeverWrittenGrain_HasNoRecordAndNoEtag()
    {
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var state = Counter(99, "stale");

        await storage.ReadStateAsync(StateName, NewGrain(), state, Cancel);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(0, state.State!.Count); // a fresh state, not what the caller held
    }

    [Fact]
    public async Task WriteState_ThenRead_RoundTripsTheStateAndTheEtag()
    {
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        var written = new GrainState<CounterState>(new CounterState { Count = 7, Label = "seven" });

        await storage.WriteStateAsync(StateName, grain, written, Cancel);
        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, read, Cancel);

        Assert.True(written.RecordExists);
        Assert.NotNull(written.ETag);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(7, read.State!.Count);
        Assert.Equal("seven", read.State!.Label);
    }

    [Fact]
    public async Task WriteState_EachWrite_MovesTheEtag()
    {
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        var state = Counter(1);

        await storage.WriteStateAsync(StateName, grain, state, Cancel);
        var first = state.ETag;
        state.State!.Count = 2;
        await storage.WriteStateAsync(StateName, grain, state, Cancel);

        Assert.NotEqual(first, state.ETag);
    }

    [Fact]
    public async Task WriteState_WithNullEtag_WhenTheRowExists_Throws()
    {
        // The first write of a grain state is insert-if-absent, never an upsert: a second activation that read
        // nothing (ETag null) must not overwrite what the first one wrote.
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        var first = Counter(1);
        await storage.WriteStateAsync(StateName, grain, first, Cancel);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, Counter(2), Cancel));

        Assert.Equal(first.ETag, conflict.StoredEtag);
        Assert.Null(conflict.CurrentEtag);
        Assert.Equal(1, (await ReadAsync(storage, grain)).State!.Count);
    }

    [Fact]
    public async Task WriteState_WithStaleEtag_Throws()
    {
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        var current = Counter(1);
        await storage.WriteStateAsync(StateName, grain, current, Cancel);
        var stale = Counter(100, current.ETag);
        await storage.WriteStateAsync(StateName, grain, current, Cancel);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, stale, Cancel));

        Assert.Equal(current.ETag, conflict.StoredEtag);
        Assert.Equal(stale.ETag, conflict.CurrentEtag);
        Assert.Equal(1, (await ReadAsync(storage, grain)).State!.Count);
    }

    [Fact]
    public async Task WriteState_WithAnEtagThisProviderNeverIssued_Throws()
    {
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        await storage.WriteStateAsync(StateName, grain, Counter(1), Cancel);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, Counter(2, "W/\"abc\""), Cancel));
    }

    [Fact]
    public async Task WriteState_WithAnEtag_WhenNoRowExists_Throws()
    {
        var storage = ProvidersUnderTest.GrainStorage(Database);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, NewGrain(), Counter(1, "1"), Cancel));

        Assert.Null(conflict.StoredEtag);
    }

    [Fact]
    public async Task ClearState_LeavesATombstone_ThatReadsAsNoRecordWithItsEtag()
    {
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        var state = Counter(5);
        await storage.WriteStateAsync(StateName, grain, state, Cancel);
        var written = state.ETag;

        await storage.ClearStateAsync(StateName, grain, state, Cancel);
        var read = await ReadAsync(storage, grain);

        Assert.False(state.RecordExists);
        Assert.Equal(0, state.State!.Count);
        Assert.NotEqual(written, state.ETag);
        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal(0, read.State!.Count);
    }

    [Fact]
    public async Task WriteState_AfterClear_WithTheTombstonesEtag_Succeeds()
    {
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        var state = Counter(5);
        await storage.WriteStateAsync(StateName, grain, state, Cancel);
        await storage.ClearStateAsync(StateName, grain, state, Cancel);

        var again = await ReadAsync(storage, grain);
        again.State!.Count = 6;
        await storage.WriteStateAsync(StateName, grain, again, Cancel);

        var read = await ReadAsync(storage, grain);
        Assert.True(read.RecordExists);
        Assert.Equal(6, read.State!.Count);
    }

    [Fact]
    public async Task WriteState_WithNullEtag_AfterClear_Throws()
    {
        // A stale activation that never saw the row cannot resurrect a cleared grain.
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        var state = Counter(5);
        await storage.WriteStateAsync(StateName, grain, state, Cancel);
        await storage.ClearStateAsync(StateName, grain, state, Cancel);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, Counter(1), Cancel));

        Assert.Equal(state.ETag, conflict.StoredEtag);
        Assert.False((await ReadAsync(storage, grain)).RecordExists);
    }

    [Fact]
    public async Task ClearState_WithStaleEtag_Throws()
    {
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        var current = Counter(1);
        await storage.WriteStateAsync(StateName, grain, current, Cancel);
        var stale = Counter(1, current.ETag);
        await storage.WriteStateAsync(StateName, grain, current, Cancel);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grain, stale, Cancel));

        Assert.True((await ReadAsync(storage, grain)).RecordExists);
    }

    [Fact]
    public async Task ClearState_WithNullEtag_WhenTheRowExists_Throws()
    {
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        await storage.WriteStateAsync(StateName, grain, Counter(1), Cancel);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grain, Counter(0), Cancel));

        Assert.True((await ReadAsync(storage, grain)).RecordExists);
    }

    [Fact]
    public async Task ClearState_OfANeverWrittenGrain_LeavesATombstoneThatFencesNullEtagWriters()
    {
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        var state = Counter(0);

        await storage.ClearStateAsync(StateName, grain, state, Cancel);

        Assert.False(state.RecordExists);
        Assert.NotNull(state.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, Counter(1), Cancel));
        await storage.WriteStateAsync(StateName, grain, state, Cancel);
    }

    [Fact]
    public async Task StatesOfOneGrain_AreKeptApartByStateName()
    {
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        await storage.WriteStateAsync("a", grain, Counter(1), Cancel);
        await storage.WriteStateAsync("b", grain, Counter(2), Cancel);

        Assert.Equal(1, (await ReadAsync(storage, grain, "a")).State!.Count);
        Assert.Equal(2, (await ReadAsync(storage, grain, "b")).State!.Count);
        Assert.False((await ReadAsync(storage, grain, "c")).RecordExists);
    }

    [Fact]
    public async Task WriteState_ConcurrentWritersWithTheSameEtag_ExactlyOneWins()
    {
        // Two activations of one grain (possible during membership changes): only one write lands.
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        var seed = Counter(0);
        await storage.WriteStateAsync(StateName, grain, seed, Cancel);

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => TryWriteAsync(storage, grain, Counter(i, seed.ETag))));

        var winner = Assert.Single(outcomes, won => won is not null);
        Assert.Equal(winner, (await ReadAsync(storage, grain)).State!.Count);
    }

    [Fact]
    public async Task WriteState_ConcurrentFirstWrites_ExactlyOneWins()
    {
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => TryWriteAsync(storage, grain, Counter(i))));

        var winner = Assert.Single(outcomes, won => won is not null);
        Assert.Equal(winner, (await ReadAsync(storage, grain)).State!.Count);
    }

    [Fact]
    public async Task ReadState_OfTenThousandColdGrainsAtOnce_CostsAFewQueries()
    {
        // A fan-out activating 10,000 idle grains: half have a stored state, half have none.
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grains = Enumerable.Range(0, 10_000).Select(_ => NewGrain("stream")).ToArray();
        await Database.Inner.WriteAsync(async (connection, transaction) =>
        {
            for (var i = 0; i < grains.Length; i += 2)
            {
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = $"INSERT INTO {Database.OrleansTable("grain_state")} (grain_id, state_name, payload, version, updated_at) VALUES (@g, @s, @p, 1, 0)";
                AddParameter(insert, "@g", grains[i].ToString());
                AddParameter(insert, "@s", StateName);
                AddParameter(insert, "@p", ProvidersUnderTest.Serializer.Serialize(new CounterState { Count = i }).ToArray());
                await insert.ExecuteNonQueryAsync(Cancel);
            }
        }, Cancel);
        Database.ResetCounts();

        var states = await Task.WhenAll(grains.Select(grain => ReadAsync(storage, grain)));

        for (var i = 0; i < grains.Length; i++)
        {
            Assert.Equal(i % 2 == 0, states[i].RecordExists);
            Assert.Equal(i % 2 == 0 ? i : 0, states[i].State!.Count);
        }

        // 10,000 keys in batches of at most 500 is at least 20 queries; anything near that is "a few dozen".
        TestContext.Current.TestOutputHelper?.WriteLine($"{grains.Length} reads took {Database.ReadCommands} queries");
        Assert.InRange(Database.ReadCommands, 20, 40);
    }

    [Fact]
    public async Task ReadState_BatchedWithOtherStatesOfTheSameGrains_ReturnsOnlyTheStateAsked()
    {
        // One batch asks for grain A's state "x" and grain B's state "y"; grain A also has a "y" and grain B an "x".
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var (a, b) = (NewGrain(), NewGrain());
        await storage.WriteStateAsync("x", a, Counter(1), Cancel);
        await storage.WriteStateAsync("y", a, Counter(2), Cancel);
        await storage.WriteStateAsync("x", b, Counter(3), Cancel);
        await storage.WriteStateAsync("y", b, Counter(4), Cancel);
        Database.ResetCounts();

        Task<GrainState<CounterState>> ax, by;
        using (Database.HoldReads())
        {
            _ = ReadAsync(storage, NewGrain(), "x"); // in flight (held), so the next two wait and go out together
            ax = ReadAsync(storage, a, "x");
            by = ReadAsync(storage, b, "y");
        }

        Assert.Equal(1, (await ax).State!.Count);
        Assert.Equal(4, (await by).State!.Count);
        Assert.Equal(2, Database.ReadCommands);
    }

    [Fact]
    public async Task ReadState_OfAStateWrittenInAnOlderShape_KeepsItsValuesAndDefaultsTheNewMember()
    {
        // Version tolerance: release 1 wrote CounterStateV1; release 2 reads the same row as CounterStateV2, which
        // gained a member with a new [Id].
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        var old = new GrainState<CounterStateV1>(new CounterStateV1 { Count = 41 });
        await storage.WriteStateAsync(StateName, grain, old, Cancel);

        var read = new GrainState<CounterStateV2>();
        await storage.ReadStateAsync(StateName, grain, read, Cancel);
        read.State!.Count++;
        read.State!.Notes.Add("upgraded");
        await storage.WriteStateAsync(StateName, grain, read, Cancel);

        Assert.True(read.RecordExists);
        Assert.Equal(42, read.State!.Count);
        var again = new GrainState<CounterStateV2>();
        await storage.ReadStateAsync(StateName, grain, again, Cancel);
        Assert.Equal(["upgraded"], again.State!.Notes);
    }

    [Fact]
    public async Task ReadState_OfAStateWrittenInANewerShape_IgnoresTheUnknownMember()
    {
        // During a rolling upgrade an old node may read what a new node wrote.
        var storage = ProvidersUnderTest.GrainStorage(Database);
        var grain = NewGrain();
        await storage.WriteStateAsync(StateName, grain, new GrainState<CounterStateV2>(new CounterStateV2 { Count = 3, Notes = ["new"] }), Cancel);

        var read = new GrainState<CounterStateV1>();
        await storage.ReadStateAsync(StateName, grain, read, Cancel);

        Assert.Equal(3, read.State!.Count);
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
