namespace SetHub.Storage.Tests;

/// <summary>What SetHub's own reminder table promises beyond the contract every store meets (Orleans' Azure table
/// returns <see cref="DateTimeKind.Unspecified"/> times and refuses a malformed ETag with an error).</summary>
public abstract partial class RelationalStoreContractTests
{
    [Fact]
    public async Task Reminders_ComeBackInUtc_AndAMalformedEtagRemovesNothing()
    {
        var reminders = await CreateReminderTableAsync("service-a");
        var grain = NewGrain("remindable");
        await reminders.UpsertRow(Reminder(grain), Cancel);

        Assert.Equal(DateTimeKind.Utc, (await reminders.ReadRow(grain, "wake-up", Cancel))!.StartAt.Kind);
        Assert.False(await reminders.RemoveRow(grain, "wake-up", "not-an-etag", Cancel));
        Assert.NotNull(await reminders.ReadRow(grain, "wake-up", Cancel));
    }
}
