using System.Collections.Concurrent;
using SetHub.Core.Delivery;
using SetHub.Grains.Delivery;

namespace SetHub.Grains.Tests.Infrastructure;

/// <summary>
/// The push sender of every silo of a test cluster, standing in for HTTP: it records each push and answers it with
/// the outcome the test scripts (delivered unless told otherwise), or holds it until released, like a receiver that hangs.
/// </summary>
public sealed class TestPushDispatcher : IPushDispatcher
{
    private readonly ConcurrentQueue<Func<PushRequest, Task<PushOutcome>>> _script = new();
    private readonly Ticker _pushes = new();

    /// <summary>Every push made, in the order they were made.</summary>
    public ConcurrentQueue<(PushRequest Request, DateTimeOffset At)> Pushes { get; } = new();

    /// <summary>What pushes get when nothing is scripted.</summary>
    public Func<PushRequest, Task<PushOutcome>> Default { get; set; } = _ => Task.FromResult(Delivered);

    public static PushOutcome Delivered { get; } = new(PushOutcomeKind.Delivered, null);

    public static PushOutcome Unavailable { get; } = new(PushOutcomeKind.Retryable, "HTTP 503");

    /// <summary>The next pushes get these answers, in order.</summary>
    public void Script(params Func<PushRequest, Task<PushOutcome>>[] answers)
    {
        foreach (var answer in answers)
        {
            _script.Enqueue(answer);
        }
    }

    public Task<PushOutcome> SendAsync(PushRequest request)
    {
        Pushes.Enqueue((request, DateTimeOffset.UtcNow));
        _pushes.Signal();
        return (_script.TryDequeue(out var answer) ? answer : Default)(request);
    }

    /// <summary>Waits until at least <paramref name="count"/> pushes were made.</summary>
    public async Task WaitForPushesAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (Pushes.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{Pushes.Count} pushes, not {count}, within the timeout.");
            await _pushes.WaitAsync(TimeSpan.FromMilliseconds(100));
        }
    }

    private sealed class Ticker
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Signal() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

        public Task WaitAsync(TimeSpan timeout) => Volatile.Read(ref _next).Task.WaitAsync(timeout).ContinueWith(static _ => { }, TaskScheduler.Default);
    }
}
