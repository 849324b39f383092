namespace SetHub.Storage.Tests;

/// <summary>Reminder table: ETags, conditional removal, and Orleans' ring-range reads.</summary>
public abstract partial class StoreContractTests
{
    protected static readonly DateTime ReminderStart = new(2026, 12, 1, 8, 30, 15, 250, DateTimeKind.Utc);

    protected static ReminderEntry Reminder(GrainId grain, string name = "wake-up") =>
        new() { GrainId = grain, ReminderName = name, StartAt = ReminderStart, Period = TimeSpan.FromMinutes(5) };

    [Fact]
    public async Task UpsertRow_ThenReadRow_RoundTripsTheReminder()
    {
        var reminders = await CreateReminderTableAsync("service-a");
        var grain = GrainId.Create("remindable", "foo/bar\\#b_a_z?");
        var entry = Reminder(grain, "r/1 #?");

        var etag = await reminders.UpsertRow(entry, Cancel);
        var read = await reminders.ReadRow(grain, "r/1 #?", Cancel);

        Assert.NotNull(read);
        Assert.Equal(grain, read.GrainId);
        Assert.Equal("r/1 #?", read.ReminderName);
        Assert.Equal(ReminderStart, read.StartAt);
        Assert.Equal(TimeSpan.FromMinutes(5), read.Period);
        Assert.Equal(etag, read.ETag);
        Assert.Null(await reminders.ReadRow(grain, "other", Cancel));
    }

    [Fact]
    public async Task UpsertRow_OfAnExistingReminder_ReplacesItAndMovesTheEtag()
    {
        var reminders = await CreateReminderTableAsync("service-a");
        var grain = NewGrain("remindable");
        var first = await reminders.UpsertRow(Reminder(grain), Cancel);

        var changed = Reminder(grain);
        changed.Period = TimeSpan.FromHours(1);
        var second = await reminders.UpsertRow(changed, Cancel);

        Assert.NotEqual(first, second);
        var read = await reminders.ReadRow(grain, "wake-up", Cancel);
        Assert.Equal(TimeSpan.FromHours(1), read!.Period);
        Assert.Equal(second, read.ETag);
        Assert.Single((await reminders.ReadRows(grain, Cancel)).Reminders);
    }

    [Fact]
    public async Task UpsertRow_ConcurrentUpsertsOfOneReminder_EachGetADistinctEtag()
    {
        var reminders = await CreateReminderTableAsync("service-a");
        var grain = NewGrain("remindable");

        var etags = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => reminders.UpsertRow(Reminder(grain), Cancel)));

        Assert.Equal(10, etags.Distinct().Count());
    }

    [Fact]
    public async Task RemoveRow_IsConditionalOnTheEtag()
    {
        var reminders = await CreateReminderTableAsync("service-a");
        var grain = NewGrain("remindable");
        var stale = await reminders.UpsertRow(Reminder(grain), Cancel);
        var current = await reminders.UpsertRow(Reminder(grain), Cancel);

        Assert.False(await reminders.RemoveRow(grain, "wake-up", stale!, Cancel));
        Assert.False(await reminders.RemoveRow(grain, "other-name", current!, Cancel));
        Assert.True(await reminders.RemoveRow(grain, "wake-up", current!, Cancel));
        Assert.False(await reminders.RemoveRow(grain, "wake-up", current!, Cancel));
        Assert.Null(await reminders.ReadRow(grain, "wake-up", Cancel));
    }

    [Fact]
    public async Task RemoveRow_WithTheEtagOfAnEarlierRegistration_LeavesTheNewOneAlone()
    {
        // Removed and registered again: the new registration must not take back the ETag of the old one.
        var reminders = await CreateReminderTableAsync("service-a");
        var grain = NewGrain("remindable");
        var old = await reminders.UpsertRow(Reminder(grain), Cancel);
        Assert.True(await reminders.RemoveRow(grain, "wake-up", old!, Cancel));
        await reminders.UpsertRow(Reminder(grain), Cancel);

        Assert.False(await reminders.RemoveRow(grain, "wake-up", old!, Cancel));
        Assert.NotNull(await reminders.ReadRow(grain, "wake-up", Cancel));
    }

    [Fact]
    public async Task ReadRows_OfAGrain_ReturnsOnlyThatGrainsReminders()
    {
        var reminders = await CreateReminderTableAsync("service-a");
        var (a, b) = (NewGrain("remindable"), NewGrain("remindable"));
        await reminders.UpsertRow(Reminder(a, "one"), Cancel);
        await reminders.UpsertRow(Reminder(a, "two"), Cancel);
        await reminders.UpsertRow(Reminder(b, "one"), Cancel);

        var rows = await reminders.ReadRows(a, Cancel);

        Assert.Equal(["one", "two"], rows.Reminders.Select(r => r.ReminderName).Order());
        Assert.All(rows.Reminders, r => Assert.Equal(a, r.GrainId));
    }

    [Fact]
    public async Task Reminders_OfAnotherService_AreNeitherReadNorCleared()
    {
        var mine = await CreateReminderTableAsync("service-a");
        var theirs = await CreateReminderTableAsync("service-b");
        var grain = NewGrain("remindable");
        await theirs.UpsertRow(Reminder(grain), Cancel);

        Assert.Empty((await mine.ReadRows(grain, Cancel)).Reminders);
        Assert.Empty((await mine.ReadRows(0u, 0u, Cancel)).Reminders);
        await mine.TestOnlyClearTable(Cancel);
        Assert.Single((await theirs.ReadRows(0u, 0u, Cancel)).Reminders);

        await theirs.TestOnlyClearTable(Cancel);
        Assert.Empty((await theirs.ReadRows(0u, 0u, Cancel)).Reminders);
    }

    // IReminderTable.ReadRows(begin, end): hashes in (begin, end]; when begin >= end the range wraps around the ring
    // (hash > begin or hash <= end), so begin == end is the whole ring. Positions index the sorted hashes of 40 grains.
    [Theory]
    [InlineData(5, 30, "begin exclusive, end inclusive")]
    [InlineData(30, 5, "begin above end wraps around the top of the ring")]
    [InlineData(12, 12, "begin equal to end is the whole ring")]
    [InlineData(12, 13, "adjacent hashes select exactly the end's grain")]
    [InlineData(0, 39, "lowest to highest excludes only the lowest")]
    [InlineData(39, 0, "highest to lowest wraps to only the lowest")]
    public async Task ReadRows_OfARingRange_FollowsOrleansRingSemantics(int beginPosition, int endPosition, string because)
    {
        var reminders = await CreateReminderTableAsync("service-a");
        var hashes = await UpsertRemindersOfGrainsAsync(reminders, 40);
        var (begin, end) = (hashes[beginPosition], hashes[endPosition]);

        var read = await ReadHashesAsync(reminders, begin, end);

        Assert.True(read.SetEquals(hashes.Where(h => InRing(h, begin, end))), because);
    }

    [Fact]
    public async Task ReadRows_AtTheEdgesOfTheHashSpace_FollowsOrleansRingSemantics()
    {
        var reminders = await CreateReminderTableAsync("service-a");
        var hashes = await UpsertRemindersOfGrainsAsync(reminders, 40);

        Assert.Equal(hashes.Length, (await ReadHashesAsync(reminders, 0, uint.MaxValue)).Count);
        Assert.Equal(hashes.Length, (await ReadHashesAsync(reminders, 0, 0)).Count);
        Assert.Equal(hashes.Length, (await ReadHashesAsync(reminders, uint.MaxValue, uint.MaxValue)).Count);
        Assert.Empty(await ReadHashesAsync(reminders, uint.MaxValue, 0));
        Assert.Equal(hashes[0], Assert.Single(await ReadHashesAsync(reminders, hashes[0] - 1, hashes[0])));
        Assert.Equal(hashes[^1], Assert.Single(await ReadHashesAsync(reminders, hashes[^2], hashes[^1])));
    }

    [Fact]
    public async Task ReadRows_OfRandomRingRanges_MatchesTheRingPredicate()
    {
        var reminders = await CreateReminderTableAsync("service-a");
        var hashes = await UpsertRemindersOfGrainsAsync(reminders, 100);
        var random = new Random(20261201);

        for (var i = 0; i < 50; i++)
        {
            var (begin, end) = ((uint)random.NextInt64(0, 1L << 32), (uint)random.NextInt64(0, 1L << 32));
            var read = await ReadHashesAsync(reminders, begin, end);
            Assert.True(read.SetEquals(hashes.Where(h => InRing(h, begin, end))), $"({begin}, {end}]");
        }
    }

    /// <summary>Orleans' ring range membership, as its <c>IReminderTable</c> documents it.</summary>
    private static bool InRing(uint hash, uint begin, uint end) => begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    /// <summary>Registers one reminder for each of <paramref name="count"/> new grains; returns their hashes, sorted.</summary>
    private static async Task<uint[]> UpsertRemindersOfGrainsAsync(IReminderTable reminders, int count)
    {
        var grains = Enumerable.Range(0, count).Select(_ => NewGrain("remindable")).ToArray();
        foreach (var grain in grains)
        {
            await reminders.UpsertRow(Reminder(grain), Cancel);
        }

        return grains.Select(g => g.GetUniformHashCode()).Order().ToArray();
    }

    private static async Task<HashSet<uint>> ReadHashesAsync(IReminderTable reminders, uint begin, uint end)
    {
        var rows = await reminders.ReadRows(begin, end, Cancel);
        return rows.Reminders.Select(r => r.GrainId.GetUniformHashCode()).ToHashSet();
    }
}
