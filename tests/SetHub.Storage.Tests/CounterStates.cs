using Orleans.Storage;

namespace SetHub.Storage.Tests;

/// <summary>Writing and reading <see cref="CounterState"/> through any grain storage, as the grain storage tests do.</summary>
internal static class CounterStates
{
    /// <summary>The state name the tests use unless they need several.</summary>
    public const string StateName = "counter";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static GrainState<CounterState> Counter(int count, string? etag = null) => new(new CounterState { Count = count }, etag);

    public static async Task<GrainState<CounterState>> ReadAsync(IGrainStorage storage, GrainId grain, string stateName = StateName)
    {
        var state = new GrainState<CounterState>();
        await storage.ReadStateAsync(stateName, grain, state, Cancel);
        return state;
    }

    /// <summary>The count written, or <see langword="null"/> when the write was refused.</summary>
    public static async Task<int?> TryWriteAsync(IGrainStorage storage, GrainId grain, GrainState<CounterState> state)
    {
        try
        {
            await storage.WriteStateAsync(StateName, grain, state, Cancel);
            return state.State!.Count;
        }
        catch (InconsistentStateException)
        {
            return null;
        }
    }
}
