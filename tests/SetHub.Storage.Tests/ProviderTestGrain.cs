namespace SetHub.Storage.Tests;

/// <summary>A grain that keeps a counter in grain storage and counts its reminder's ticks there too.</summary>
[Alias("sethub.tests.provider-test-grain")]
public interface IProviderTestGrain : IGrainWithStringKey
{
    [Alias("increment")]
    Task<int> Increment();

    [Alias("get-count")]
    Task<int> GetCount();

    [Alias("get-ticks")]
    Task<int> GetReminderTicks();

    [Alias("start-reminder")]
    Task StartReminder(TimeSpan dueTime);

    [Alias("deactivate")]
    Task Deactivate();
}

/// <summary>The persisted state of <see cref="IProviderTestGrain"/>.</summary>
[GenerateSerializer]
[Alias("sethub.tests.provider-test-state")]
public sealed class ProviderTestState
{
    [Id(0)]
    public int Count { get; set; }

    [Id(1)]
    public int ReminderTicks { get; set; }
}

/// <summary>Uses the default grain storage and the reminder service, both SetHub's in these tests.</summary>
public sealed class ProviderTestGrain([PersistentState("state")] IPersistentState<ProviderTestState> state) : Grain, IProviderTestGrain, IRemindable
{
    public async Task<int> Increment()
    {
        state.State.Count++;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> GetCount() => Task.FromResult(state.State.Count);

    public Task<int> GetReminderTicks() => Task.FromResult(state.State.ReminderTicks);

    // The period is Orleans' default minimum; only the first tick (after dueTime) matters to the tests.
    public Task StartReminder(TimeSpan dueTime) => this.RegisterOrUpdateReminder("tick", dueTime, TimeSpan.FromMinutes(1));

    public Task Deactivate()
    {
        this.DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State.ReminderTicks++;
        await state.WriteStateAsync();
    }
}
