namespace SetHub.Grains;

/// <summary>
/// Lets async sections of one grain take turns: interleaving calls of a grain run one at a time on its scheduler, but
/// may await in the middle of a read-modify-write; callers that enter the gate run such sections one after the other,
/// in arrival order. Holds no OS resource, so it needs no disposal.
/// </summary>
internal sealed class AsyncGate
{
    private Task _tail = Task.CompletedTask;

    /// <summary>Whether nobody holds or awaits the gate.</summary>
    public bool IsIdle => _tail.IsCompleted;

    /// <summary>Waits for every earlier holder to leave; dispose the result to leave.</summary>
    public async Task<IDisposable> EnterAsync()
    {
        var previous = _tail;
        var release = new Release();
        _tail = release.Left;
        await previous;
        return release;
    }

    private sealed class Release : IDisposable
    {
        private readonly TaskCompletionSource _left = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Left => _left.Task;

        public void Dispose() => _left.TrySetResult();
    }
}
