using SetHub.Core.Storage;

namespace SetHub.Storage.Tests;

/// <summary>The SET log: claims and epochs, appends, outcomes, dead letters, re-drive, expiry, and group commit.</summary>
public abstract partial class StoreContractTests
{
    private static readonly StreamKey StreamA = new("acme", "stream-a");
    private static readonly StreamKey StreamB = new("acme", "stream-b");
    protected static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    private ISetLog SetLog => _setLog ??= CreateSetLog();

    private ISetLog? _setLog;

    /// <summary>The log under test, on this test's store.</summary>
    protected abstract ISetLog CreateSetLog();

    /// <summary>The log as another node of the same cluster sees it (its own connections, its own committer).</summary>
    protected abstract Task<(ISetLog Log, IAsyncDisposable Owner)> CreateSetLogOfAnotherNodeAsync();

    private static LogEntry Entry(long epoch, int index, string? jti = null, bool control = false, DateTimeOffset? queuedAt = null) =>
        new((epoch << 32) + index, jti ?? $"jti-{epoch}-{index}", $"token-{index}", "https://example.com/event", control, queuedAt ?? Now);

    private static LogRemoval Removal(LogEntry entry) => new(entry.Position, entry.Jti);

    private static LogWrite Appending(params LogEntry[] entries)
    {
        var write = new LogWrite();
        write.Appends.AddRange(entries);
        return write;
    }

    [Fact]
    public async Task Claim_OfANewStream_StartsAtEpochOne_WithNothingQueued()
    {
        var claim = await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel);

        Assert.Equal(1, claim.Head.Epoch);
        Assert.Equal(0, claim.Head.Failures);
        Assert.Null(claim.Head.NextAttemptAt);
        Assert.Empty(claim.Window);
        Assert.True(claim.IsComplete);
    }

    [Fact]
    public async Task Claim_Again_MovesTheEpochOn_AndReadsTheOldestQueuedSets()
    {
        var first = await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel);
        await SetLog.WriteAsync(StreamA, first.Head.Epoch, Appending(Entry(1, 1), Entry(1, 2), Entry(1, 3)), Cancel);

        var second = await SetLog.ClaimAsync(StreamA, "silo-2", 2, Cancel);

        Assert.Equal(2, second.Head.Epoch);
        Assert.Equal(["jti-1-1", "jti-1-2"], second.Window.Select(entry => entry.Jti));
        Assert.False(second.IsComplete, "a third SET waits beyond the window");
        Assert.Equal("token-1", second.Window[0].Token);
    }

    [Fact]
    public async Task Write_UnderAnOlderEpoch_IsFenced_AndChangesNothing()
    {
        // Two activations of one stream (Orleans' single activation is eventually consistent): the later claim wins.
        var old = await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel);
        await SetLog.WriteAsync(StreamA, old.Head.Epoch, Appending(Entry(1, 1)), Cancel);
        var current = await SetLog.ClaimAsync(StreamA, "silo-2", 10, Cancel);

        var stale = new LogWrite { Head = new HeadUpdate(3, Now) };
        stale.Appends.Add(Entry(1, 2));
        stale.Removals.Add(Removal(Entry(1, 1)));
        var result = await SetLog.WriteAsync(StreamA, old.Head.Epoch, stale, Cancel);

        Assert.Equal(LogWriteStatus.Fenced, result.Status);
        var after = await SetLog.ClaimAsync(StreamA, "silo-2", 10, Cancel);
        Assert.Equal(["jti-1-1"], after.Window.Select(entry => entry.Jti));
        Assert.Equal(0, after.Head.Failures);
        Assert.Equal(LogWriteStatus.Committed, (await SetLog.WriteAsync(StreamA, after.Head.Epoch, Appending(Entry(after.Head.Epoch, 1)), Cancel)).Status);
        Assert.Equal(LogWriteStatus.Fenced, (await SetLog.WriteAsync(StreamA, current.Head.Epoch, Appending(Entry(current.Head.Epoch, 9)), Cancel)).Status);
    }

    [Fact]
    public async Task Append_OfAJtiTheStreamHas_IsADuplicate_AndKeepsTheFirst()
    {
        // A publish retried after a failure lands on the SETs the first attempt queued.
        var claim = await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel);
        await SetLog.WriteAsync(StreamA, claim.Head.Epoch, Appending(Entry(1, 1, jti: "same")), Cancel);

        var again = await SetLog.WriteAsync(StreamA, claim.Head.Epoch, Appending(Entry(1, 2, jti: "same"), Entry(1, 3)), Cancel);

        Assert.Equal(LogWriteStatus.Committed, again.Status);
        Assert.Equal(["same"], again.Duplicates);
        var queued = await SetLog.ReadAsync(StreamA, long.MinValue, 10, cancellationToken: Cancel);
        Assert.Equal([(Entry(1, 1).Position, "same"), (Entry(1, 3).Position, "jti-1-3")], queued.Select(entry => (entry.Position, entry.Jti)));
    }

    [Fact]
    public async Task SameJti_OnAnotherStream_IsNoDuplicate()
    {
        var a = await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel);
        var b = await SetLog.ClaimAsync(StreamB, "silo-1", 10, Cancel);
        await SetLog.WriteAsync(StreamA, a.Head.Epoch, Appending(Entry(1, 1, jti: "shared")), Cancel);

        var result = await SetLog.WriteAsync(StreamB, b.Head.Epoch, Appending(Entry(1, 1, jti: "shared")), Cancel);

        Assert.Empty(result.Duplicates);
    }

    [Fact]
    public async Task Removals_ByPositionOrJti_RemoveQueuedSets_NeverDeadLetters()
    {
        var claim = await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel);
        var epoch = claim.Head.Epoch;
        await SetLog.WriteAsync(StreamA, epoch, Appending(Entry(1, 1), Entry(1, 2), Entry(1, 3), Entry(1, 4)), Cancel);
        var dead = new LogWrite();
        dead.DeadLetters.Add(new DeadLetterMark(Entry(1, 4).Position, "refused", 1));
        await SetLog.WriteAsync(StreamA, epoch, dead, Cancel);

        var removal = new LogWrite();
        removal.Removals.Add(Removal(Entry(1, 1)));
        removal.RemovalsByJti.AddRange(["jti-1-3", "jti-1-4", "unknown"]);
        await SetLog.WriteAsync(StreamA, epoch, removal, Cancel);

        Assert.Equal(["jti-1-2"], (await SetLog.ReadAsync(StreamA, long.MinValue, 10, cancellationToken: Cancel)).Select(entry => entry.Jti));
        Assert.Equal(["jti-1-4"], (await SetLog.ListDeadLettersAsync(StreamA, 10, Cancel)).Select(letter => letter.Jti));
    }

    [Fact]
    public async Task DeadLetters_KeepTheirError_AndAttempts_AndAreCounted()
    {
        var claim = await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel);
        var epoch = claim.Head.Epoch;
        await SetLog.WriteAsync(StreamA, epoch, Appending(Entry(1, 1), Entry(1, 2), Entry(1, 3, control: true)), Cancel);
        var dead = new LogWrite();
        dead.DeadLetters.Add(new DeadLetterMark(Entry(1, 1).Position, "HTTP 400 invalid_audience", 3));
        await SetLog.WriteAsync(StreamA, epoch, dead, Cancel);

        var letter = Assert.Single(await SetLog.ListDeadLettersAsync(StreamA, 10, Cancel));
        Assert.Equal(("jti-1-1", "HTTP 400 invalid_audience", 3), (letter.Jti, letter.LastError, letter.Attempts));
        Assert.Equal(Now, letter.CreatedAt);
        Assert.Equal(new LogCounts(Queued: 2, QueuedControl: 1, DeadLettered: 1), await SetLog.CountAsync(StreamA, Cancel));
    }

    [Fact]
    public async Task Redrive_QueuesADeadLetterAgain_ReissuedAtItsNewPosition_WithAFreshClock()
    {
        var claim = await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel);
        var epoch = claim.Head.Epoch;
        await SetLog.WriteAsync(StreamA, epoch, Appending(Entry(1, 1), Entry(1, 2)), Cancel);
        var dead = new LogWrite();
        dead.DeadLetters.Add(new DeadLetterMark(Entry(1, 1).Position, "expired", 5));
        await SetLog.WriteAsync(StreamA, epoch, dead, Cancel);

        var letter = Assert.Single(await SetLog.ListDeadLettersAsync(StreamA, 10, Cancel));
        Assert.Equal(Entry(1, 1).Token, letter.Token); // what a re-issue reads its claims from

        var later = Now.AddHours(1);
        var redrive = new LogWrite();
        redrive.Redrives.Add(new Redrive("jti-1-1", Entry(1, 3).Position, later, "jti-new", "token-new"));
        await SetLog.WriteAsync(StreamA, epoch, redrive, Cancel);

        var queued = await SetLog.ReadAsync(StreamA, long.MinValue, 10, cancellationToken: Cancel);
        Assert.Equal(["jti-1-2", "jti-new"], queued.Select(entry => entry.Jti));
        Assert.Equal((later, 0, (string?)null, "token-new", Entry(1, 1).EventType), (queued[1].QueuedAt, queued[1].Attempts, queued[1].LastError, queued[1].Token, queued[1].EventType));
        Assert.Empty(await SetLog.ListDeadLettersAsync(StreamA, 10, Cancel));

        // The new jti is the SET's now: acknowledging it removes it; the old one names nothing.
        var ack = new LogWrite();
        ack.RemovalsByJti.Add("jti-1-1");
        ack.RemovalsByJti.Add("jti-new");
        await SetLog.WriteAsync(StreamA, epoch, ack, Cancel);
        Assert.Equal(["jti-1-2"], (await SetLog.ReadAsync(StreamA, long.MinValue, 10, cancellationToken: Cancel)).Select(entry => entry.Jti));
    }

    [Fact]
    public async Task Expiry_DeadLettersSetsQueuedBeforeTheCutoff_WithTheirLastError()
    {
        var claim = await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel);
        var epoch = claim.Head.Epoch;
        await SetLog.WriteAsync(StreamA, epoch, Appending(Entry(1, 1, queuedAt: Now.AddDays(-4)), Entry(1, 2, queuedAt: Now)), Cancel);

        await SetLog.WriteAsync(StreamA, epoch, new LogWrite { ExpireQueuedBefore = Now.AddDays(-3), ExpiryError = "expired" }, Cancel);

        Assert.Equal(["jti-1-2"], (await SetLog.ReadAsync(StreamA, long.MinValue, 10, cancellationToken: Cancel)).Select(entry => entry.Jti));
        var letter = Assert.Single(await SetLog.ListDeadLettersAsync(StreamA, 10, Cancel));
        Assert.Equal(("jti-1-1", "expired"), (letter.Jti, letter.LastError));
    }

    [Fact]
    public async Task DroppingQueuedEvents_KeepsControlSets()
    {
        // SSF 1.0 §8.1.2.1: a disabled stream holds no events; its verification and stream-updated SETs still go.
        var claim = await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel);
        await SetLog.WriteAsync(StreamA, claim.Head.Epoch, Appending(Entry(1, 1), Entry(1, 2, control: true), Entry(1, 3)), Cancel);

        await SetLog.WriteAsync(StreamA, claim.Head.Epoch, new LogWrite { DropQueuedEvents = true }, Cancel);

        Assert.Equal(["jti-1-2"], (await SetLog.ReadAsync(StreamA, long.MinValue, 10, cancellationToken: Cancel)).Select(entry => entry.Jti));
    }

    [Fact]
    public async Task Read_ControlOnly_FindsControlSetsAfterAPosition()
    {
        var claim = await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel);
        await SetLog.WriteAsync(StreamA, claim.Head.Epoch, Appending(Entry(1, 1, control: true), Entry(1, 2), Entry(1, 3, control: true), Entry(1, 4)), Cancel);

        var control = await SetLog.ReadAsync(StreamA, Entry(1, 1).Position, 10, controlOnly: true, Cancel);

        Assert.Equal(["jti-1-3"], control.Select(entry => entry.Jti));
        Assert.True(control[0].IsControl);
    }

    [Fact]
    public async Task HeadUpdate_IsWhatTheNextClaimFinds()
    {
        var claim = await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel);
        var retryAt = Now.AddMinutes(5);

        await SetLog.WriteAsync(StreamA, claim.Head.Epoch, new LogWrite { Head = new HeadUpdate(4, retryAt) }, Cancel);

        var next = await SetLog.ClaimAsync(StreamA, "silo-2", 10, Cancel);
        Assert.Equal((4, (DateTimeOffset?)retryAt), (next.Head.Failures, next.Head.NextAttemptAt));
    }

    [Fact]
    public async Task Delete_RemovesTheLog_AndFencesTheActivationThatOwnedIt()
    {
        var claim = await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel);
        await SetLog.WriteAsync(StreamA, claim.Head.Epoch, Appending(Entry(1, 1)), Cancel);

        await SetLog.DeleteAsync(StreamA, Cancel);

        Assert.Equal(LogWriteStatus.Fenced, (await SetLog.WriteAsync(StreamA, claim.Head.Epoch, Appending(Entry(1, 2)), Cancel)).Status);
        Assert.Equal(new LogCounts(0, 0, 0), await SetLog.CountAsync(StreamA, Cancel));
    }

    [Fact]
    public async Task FindOrphaned_ReturnsStreamsWithQueuedSets_ClaimedByASiloNoLongerLive()
    {
        var a = await SetLog.ClaimAsync(StreamA, "silo-dead", 10, Cancel);
        var b = await SetLog.ClaimAsync(StreamB, "silo-live", 10, Cancel);
        var c = await SetLog.ClaimAsync(new StreamKey("acme", "stream-c"), "silo-dead", 10, Cancel);
        await SetLog.WriteAsync(StreamA, a.Head.Epoch, Appending(Entry(1, 1)), Cancel);
        await SetLog.WriteAsync(StreamB, b.Head.Epoch, Appending(Entry(1, 1)), Cancel);
        Assert.Equal(1, c.Head.Epoch); // claimed, but nothing queued: nothing to resume

        var orphans = await SetLog.FindOrphanedAsync(["silo-live"], Cancel);

        Assert.Equal([StreamA], orphans);
    }

    [Fact]
    public async Task OneBatch_MixingStreamsAndKindsOfWrite_CommitsEachAsItsOwn()
    {
        // Writes gathered while a batch is in flight form the next one: deliveries of one stream, appends of another and
        // dead letters of a third travel together, and each gets exactly its own outcome (no false duplicates).
        var streams = Enumerable.Range(0, 30).Select(i => new StreamKey("acme", $"mixed-{i}")).ToArray();
        var epochs = await Task.WhenAll(streams.Select(stream => SetLog.ClaimAsync(stream, "silo-1", 10, Cancel)));
        await Task.WhenAll(streams.Select((stream, i) => SetLog.WriteAsync(stream, epochs[i].Head.Epoch, Appending(Entry(1, 1), Entry(1, 2)), Cancel)));

        var writes = streams.Select((stream, i) =>
        {
            var write = new LogWrite();
            switch (i % 3)
            {
                case 0:
                    write.Removals.Add(Removal(Entry(1, 1)));
                    break;
                case 1:
                    write.Appends.Add(Entry(1, 3));
                    break;
                default:
                    write.DeadLetters.Add(new DeadLetterMark(Entry(1, 2).Position, "refused", 1));
                    write.Head = new HeadUpdate(1, Now);
                    break;
            }

            return SetLog.WriteAsync(stream, epochs[i].Head.Epoch, write, Cancel);
        }).ToArray();
        var results = await Task.WhenAll(writes);

        Assert.All(results, result => Assert.Equal(LogWriteResult.Committed, result));
        for (var i = 0; i < streams.Length; i++)
        {
            var counts = await SetLog.CountAsync(streams[i], Cancel);
            Assert.Equal((i % 3) switch { 0 => new LogCounts(1, 0, 0), 1 => new LogCounts(3, 0, 0), _ => new LogCounts(1, 0, 1) }, counts);
        }
    }

    [Fact]
    public async Task ManyWritesAtOnce_FromManyStreams_AllCommit_InOrderWithinEachStream()
    {
        const int Streams = 40;
        const int PerStream = 25;
        var streams = Enumerable.Range(0, Streams).Select(i => new StreamKey("acme", $"load-{i}")).ToArray();
        var claims = await Task.WhenAll(streams.Select(stream => SetLog.ClaimAsync(stream, "silo-1", 10, Cancel)));

        // Every append is made without waiting for the one before, as a stream grain's interleaved appends are.
        var writes = new List<Task<LogWriteResult>>();
        for (var n = 1; n <= PerStream; n++)
        {
            for (var i = 0; i < Streams; i++)
            {
                writes.Add(SetLog.WriteAsync(streams[i], claims[i].Head.Epoch, Appending(Entry(1, n)), Cancel));
            }
        }

        Assert.All(await Task.WhenAll(writes), result => Assert.Equal(LogWriteResult.Committed, result));
        foreach (var stream in streams)
        {
            var queued = await SetLog.ReadAsync(stream, long.MinValue, 100, cancellationToken: Cancel);
            Assert.Equal(Enumerable.Range(1, PerStream).Select(n => $"jti-1-{n}"), queued.Select(entry => entry.Jti));
        }
    }

    [Fact]
    public async Task AClaimByAnotherNode_FencesTheFirstNodesWrites()
    {
        var (otherLog, owner) = await CreateSetLogOfAnotherNodeAsync();
        await using var _ = owner;
        var first = await SetLog.ClaimAsync(StreamA, "silo-1", 10, Cancel);
        await SetLog.WriteAsync(StreamA, first.Head.Epoch, Appending(Entry(1, 1)), Cancel);

        var second = await otherLog.ClaimAsync(StreamA, "silo-2", 10, Cancel);

        Assert.Equal(["jti-1-1"], second.Window.Select(entry => entry.Jti));
        Assert.Equal(LogWriteStatus.Fenced, (await SetLog.WriteAsync(StreamA, first.Head.Epoch, Appending(Entry(1, 2)), Cancel)).Status);
        Assert.Equal(LogWriteStatus.Committed, (await otherLog.WriteAsync(StreamA, second.Head.Epoch, Appending(Entry(second.Head.Epoch, 1)), Cancel)).Status);
    }
}
