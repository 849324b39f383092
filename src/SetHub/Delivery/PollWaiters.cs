using System.Collections.Concurrent;
using SetHub.Grains.Silos;

namespace SetHub.Delivery;

/// <summary>Why a waiting long poll woke.</summary>
internal enum PollWake
{
    /// <summary>Its wait ran out (the poll deadline, a redelivery due, or the periodic re-check).</summary>
    Timeout,

    /// <summary>The stream has SETs, or moved: poll it again.</summary>
    Available,

    /// <summary>The stream was deleted.</summary>
    Deleted,

    /// <summary>The tenant changed: re-check the credential (the receiver may have been revoked).</summary>
    Recheck,
}

/// <summary>
/// The long polls waiting in this silo's front door, by stream. A waiting poll holds no thread and no grain turn: only
/// a registration here, which the stream's one-way signal through the silo agent completes.
/// </summary>
internal sealed class PollWaiters : ILocalPollWaiters
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Waiter, byte>> _byStream = new(StringComparer.Ordinal);

    /// <summary>Registers a poll on a stream; dispose the registration when done waiting.</summary>
    public Waiter Register(string streamKey)
    {
        var waiter = new Waiter(this, streamKey);
        _byStream.GetOrAdd(streamKey, static _ => new ConcurrentDictionary<Waiter, byte>()).TryAdd(waiter, 0);
        return waiter;
    }

    public void Signal(string streamKey, StreamSignal signal)
    {
        if (_byStream.TryGetValue(streamKey, out var waiters))
        {
            var wake = signal == StreamSignal.Deleted ? PollWake.Deleted : PollWake.Available;
            foreach (var waiter in waiters.Keys)
            {
                waiter.Wake(wake);
            }
        }
    }

    public void SignalTenant(string tenantId)
    {
        var prefix = tenantId + "/";
        foreach (var (streamKey, waiters) in _byStream)
        {
            if (streamKey.StartsWith(prefix, StringComparison.Ordinal))
            {
                foreach (var waiter in waiters.Keys)
                {
                    waiter.Wake(PollWake.Recheck);
                }
            }
        }
    }

    private void Remove(Waiter waiter)
    {
        if (_byStream.TryGetValue(waiter.StreamKey, out var waiters) && waiters.TryRemove(waiter, out _) && waiters.IsEmpty)
        {
            _byStream.TryRemove(new KeyValuePair<string, ConcurrentDictionary<Waiter, byte>>(waiter.StreamKey, waiters));
        }
    }

    /// <summary>One waiting poll. It can be woken before it starts waiting: the wake is kept.</summary>
    internal sealed class Waiter(PollWaiters owner, string streamKey) : IDisposable
    {
        private TaskCompletionSource<PollWake> _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string StreamKey { get; } = streamKey;

        public void Wake(PollWake reason) => Volatile.Read(ref _wake).TrySetResult(reason);

        /// <summary>Waits for a wake-up or until <paramref name="timeout"/>; then it can wait again.</summary>
        public async Task<PollWake> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        {
            var wake = Volatile.Read(ref _wake);
            if (!wake.Task.IsCompleted && timeout > TimeSpan.Zero)
            {
                await ((Task)wake.Task).WaitAsync(timeout, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            cancellationToken.ThrowIfCancellationRequested();
            var reason = wake.Task.IsCompletedSuccessfully ? wake.Task.Result : PollWake.Timeout;
            if (wake.Task.IsCompleted)
            {
                // Armed again for the next wait; a wake between here and the next poll of the stream lands on it.
                Interlocked.CompareExchange(ref _wake, new TaskCompletionSource<PollWake>(TaskCreationOptions.RunContinuationsAsynchronously), wake);
            }

            return reason;
        }

        public void Dispose() => owner.Remove(this);
    }
}
