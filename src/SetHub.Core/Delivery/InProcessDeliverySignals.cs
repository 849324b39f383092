using SetHub.Core.Storage;

namespace SetHub.Core.Delivery;

/// <summary>
/// <see cref="IDeliverySignals"/> within one process. A waiting long poll holds a task, not a thread: thousands of
/// them cost a dictionary entry each.
/// </summary>
public sealed class InProcessDeliverySignals : IDeliverySignals
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string TenantId, string StreamId), Waiters> _streams = [];
    private TaskCompletionSource _push = NewSource();

    /// <inheritdoc />
    public void Announce(IEnumerable<EnqueuedSet> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        foreach (var set in sets)
        {
            Announce(set.Set.TenantId, set.Set.StreamId, set.Lane);
        }
    }

    /// <inheritdoc />
    public void Announce(string tenantId, string streamId, SetLane lane)
    {
        Waiters? stream;
        TaskCompletionSource? push = null;
        lock (_gate)
        {
            _streams.Remove((tenantId, streamId), out stream);
            if (lane == SetLane.Push)
            {
                push = _push;
                _push = NewSource();
            }
        }

        stream?.Source.TrySetResult();
        push?.TrySetResult();
    }

    /// <summary>Wakes every waiter: used when announcements may have been missed (a lost cross-node listener).</summary>
    public void AnnounceAll()
    {
        List<Waiters> streams;
        TaskCompletionSource push;
        lock (_gate)
        {
            streams = [.. _streams.Values];
            _streams.Clear();
            push = _push;
            _push = NewSource();
        }

        foreach (var waiters in streams)
        {
            waiters.Source.TrySetResult();
        }

        push.TrySetResult();
    }

    /// <inheritdoc />
    public async Task<bool> WaitForStreamAsync(string tenantId, string streamId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var key = (tenantId, streamId);
        Waiters waiters;
        lock (_gate)
        {
            if (!_streams.TryGetValue(key, out waiters!))
            {
                waiters = new Waiters();
                _streams[key] = waiters;
            }

            waiters.Count++;
        }

        try
        {
            await waiters.Source.Task.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            // The last waiter of a stream nobody announced removes its entry, so idle streams cost nothing.
            lock (_gate)
            {
                if (--waiters.Count == 0 && _streams.TryGetValue(key, out var current) && current == waiters)
                {
                    _streams.Remove(key);
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task WaitForPushWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            signal = _push.Task;
        }

        try
        {
            await signal.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Time to look anyway.
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Waiters
    {
        public TaskCompletionSource Source { get; } = NewSource();

        public int Count { get; set; }
    }
}
