using SetHub.Core.Storage;

namespace SetHub.Storage.Tests;

/// <summary>The event trace in the SET log: a publish's SETs found by <c>txn</c> or <c>jti</c> across streams, done SETs
/// kept (without their token) until purged, and re-issued SETs naming their dead letter.</summary>
public abstract partial class StoreContractTests
{
    private static LogEntry Published(long epoch, int index, string txn) => Entry(epoch, index) with { Transaction = txn };

    [Fact]
    public async Task Trace_FindsAPublishsSets_AcrossStreams_InEveryState()
    {
        var a = (await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel)).Head.Epoch;
        var b = (await SetLog.ClaimAsync(StreamB, "silo-1", 10, Cancel)).Head.Epoch;
        await SetLog.WriteAsync(StreamA, a, Appending(Published(a, 1, "txn-1"), Published(a, 2, "txn-1"), Published(a, 3, "txn-2")), Cancel);
        await SetLog.WriteAsync(StreamB, b, Appending(Published(b, 1, "txn-1") with { Jti = "jti-b" }), Cancel);
        var outcomes = new LogWrite { RemovedAt = Now.AddMinutes(1) };
        outcomes.Removals.Add(new LogRemoval(Entry(a, 1).Position, Entry(a, 1).Jti, Attempts: 2));
        outcomes.DeadLetters.Add(new DeadLetterMark(Entry(a, 2).Position, "refused", 1));
        await SetLog.WriteAsync(StreamA, a, outcomes, Cancel);
        var ack = new LogWrite { RemovedAt = Now.AddMinutes(2) };
        ack.RemovalsByJti.Add("jti-b");
        await SetLog.WriteAsync(StreamB, b, ack, Cancel);

        var traced = await SetLog.FindAsync("acme", "txn-1", jti: null, Cancel);

        Assert.Equal(
            [("stream-a", "jti-1-1", LoggedSetState.Delivered, (DateTimeOffset?)Now.AddMinutes(1), 2, (string?)null),
             ("stream-a", "jti-1-2", LoggedSetState.DeadLettered, null, 1, "refused"),
             ("stream-b", "jti-b", LoggedSetState.Acknowledged, Now.AddMinutes(2), 0, null)],
            traced.Select(set => (set.StreamId, set.Jti, set.State, set.DoneAt, set.Attempts, set.LastError)));
        Assert.All(traced, set => Assert.Equal(("txn-1", "https://example.com/event", Now), (set.Transaction, set.EventType, set.CreatedAt)));
        var byJti = Assert.Single(await SetLog.FindAsync("acme", transaction: null, "jti-1-3", Cancel));
        Assert.Equal(("stream-a", LoggedSetState.Queued, "txn-2"), (byJti.StreamId, byJti.State, byJti.Transaction));
        Assert.Empty(await SetLog.FindAsync("other-tenant", "txn-1", jti: null, Cancel));

        // Done SETs leave the queue and its counts, and their jti still stops a publish retried with it.
        Assert.Equal(["jti-1-3"], (await SetLog.ReadAsync(StreamA, long.MinValue, 10, cancellationToken: Cancel)).Select(entry => entry.Jti));
        Assert.Equal(new LogCounts(1, 0, 1, Now.AddMinutes(1)), await SetLog.CountAsync(StreamA, Cancel));
        var retried = await SetLog.WriteAsync(StreamA, a, Appending(Entry(a, 4, jti: "jti-1-1")), Cancel);
        Assert.Equal(["jti-1-1"], retried.Duplicates);
    }

    [Fact]
    public async Task Trace_DoneSetsArePurged_WhenTheirRetentionEnds_AndRemovalsWithoutATimeAreDeleted()
    {
        var epoch = (await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel)).Head.Epoch;
        await SetLog.WriteAsync(StreamA, epoch, Appending(Published(epoch, 1, "t"), Published(epoch, 2, "t"), Published(epoch, 3, "t")), Cancel);
        var early = new LogWrite { RemovedAt = Now };
        early.Removals.Add(Removal(Entry(epoch, 1)));
        await SetLog.WriteAsync(StreamA, epoch, early, Cancel);
        var late = new LogWrite { RemovedAt = Now.AddHours(2) };
        late.Removals.Add(Removal(Entry(epoch, 2)));
        await SetLog.WriteAsync(StreamA, epoch, late, Cancel);
        var forgotten = new LogWrite();
        forgotten.Removals.Add(Removal(Entry(epoch, 3)));
        await SetLog.WriteAsync(StreamA, epoch, forgotten, Cancel);

        await SetLog.WriteAsync(StreamA, epoch, new LogWrite { PurgeDoneBefore = Now.AddHours(1) }, Cancel);

        Assert.Equal(["jti-1-2"], (await SetLog.FindAsync("acme", "t", jti: null, Cancel)).Select(set => set.Jti));
        var reused = await SetLog.WriteAsync(StreamA, epoch, Appending(Entry(epoch, 4, jti: "jti-1-1")), Cancel);
        Assert.Empty(reused.Duplicates); // purged: the jti is free again
    }

    [Fact]
    public async Task Trace_AReissuedSet_NamesTheDeadLetterItReplaced_AndKeepsItsTxn()
    {
        var epoch = (await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel)).Head.Epoch;
        await SetLog.WriteAsync(StreamA, epoch, Appending(Published(epoch, 1, "txn-r")), Cancel);
        var dead = new LogWrite();
        dead.DeadLetters.Add(new DeadLetterMark(Entry(epoch, 1).Position, "refused", 1));
        await SetLog.WriteAsync(StreamA, epoch, dead, Cancel);
        var redrive = new LogWrite();
        redrive.Redrives.Add(new Redrive("jti-1-1", Entry(epoch, 2).Position, Now.AddHours(1), "jti-new", "token-new"));
        await SetLog.WriteAsync(StreamA, epoch, redrive, Cancel);

        var traced = Assert.Single(await SetLog.FindAsync("acme", "txn-r", jti: null, Cancel));

        Assert.Equal(("jti-new", LoggedSetState.Queued, "jti-1-1", Now.AddHours(1)), (traced.Jti, traced.State, traced.ReissuedFrom, traced.CreatedAt));
        Assert.Empty(await SetLog.FindAsync("acme", transaction: null, "jti-1-1", Cancel));
    }
}
