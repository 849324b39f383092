namespace SetHub.Storage.Tests;

/// <summary>
/// The behaviour every store must have, whatever it is built on: the SET log, the rows the grains own and the reminder
/// table. Relational backends derive through <see cref="RelationalStoreContractTests"/> (which adds SetHub's own grain
/// storage and membership table); Azure Storage directly, with Orleans' Azure reminder table.
/// </summary>
public abstract partial class StoreContractTests
{
    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The reminder table under test, started, for the service <paramref name="serviceId"/>.</summary>
    protected abstract Task<IReminderTable> CreateReminderTableAsync(string serviceId);

    protected static GrainId NewGrain(string type = "counter-grain") => GrainId.Create(type, Guid.NewGuid().ToString("N"));
}
