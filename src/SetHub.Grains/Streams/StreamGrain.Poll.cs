using Microsoft.Extensions.Logging;
using SetHub.Core;
using SetHub.Core.Storage;
using SetHub.Grains.Silos;

namespace SetHub.Grains.Streams;

/// <summary>
/// Poll delivery (RFC 8936). A poll applies acknowledgements and errors, hands out the oldest due SETs and marks them
/// in flight until the redelivery interval (in memory: after a crash they are simply due again), and answers once the
/// acknowledgements are durable. A long poll that finds nothing leaves its silo as a waiter in the same turn; the
/// stream wakes waiters with one-way calls when SETs become durable, so none waits on a grain turn or a thread.
/// </summary>
internal sealed partial class StreamGrain
{
    private readonly Dictionary<SiloAddress, DateTimeOffset> _waiters = [];

    public async Task<PollAnswer> Poll(PollCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!IsPollStreamOf(call.ReceiverId))
        {
            return PollAnswer.NotFound;
        }

        // SSF 1.0 §8.1.1: polling is receiver activity that restarts the inactivity timeout.
        RecordActivity();
        await EnsureLogAsync();
        if (!IsPollStreamOf(call.ReceiverId))
        {
            return PollAnswer.NotFound; // deleted or changed while the log was claimed
        }

        // RFC 8936 §2.4: acknowledgements and errors first, so an acknowledged SET is never handed out again.
        var write = new LogWrite();
        foreach (var jti in call.Acks)
        {
            if (_window.TryGet(jti, out var set))
            {
                if (set.IsDurable)
                {
                    _window.Remove(set);
                    write.Removals.Add(new LogRemoval(set.Position, set.Entry.Jti, set.Attempts, Acknowledged: true));
                }
            }
            else
            {
                write.RemovalsByJti.Add(jti); // beyond what memory holds (or gone already: then nothing happens)
            }
        }

        if (write.Removals.Count > 0 || write.RemovalsByJti.Count > 0)
        {
            write.RemovedAt = TraceTime();
            _lastSuccessAt = _time.GetUtcNow();
        }

        foreach (var error in call.Errors)
        {
            if (_window.TryGet(error.Jti, out var set) && set.IsDurable)
            {
                _window.Remove(set);
                write.DeadLetters.Add(new DeadLetterMark(set.Position, ReceiverError(error), set.Attempts));
            }
        }

        var now = _time.GetUtcNow();
        if (call.MaxEvents > 0 && !_window.IsComplete && HasFewerDueThan(call.MaxEvents, now))
        {
            await RefillAsync();
            now = _time.GetUtcNow();
        }

        var (sets, moreAvailable, nextDue) = TakeDue(call.MaxEvents, now);

        // An acknowledge-only long poll (maxEvents 0) answers once SETs are available (R53).
        var answered = sets.Length > 0 || (call.MaxEvents == 0 && moreAvailable);
        if (!answered && call.Waiter is { } waiter)
        {
            _waiters[waiter] = call.WaitUntil; // in this turn: a SET made durable from now on wakes it
        }

        if (!write.IsEmpty)
        {
            await CommitAsync(write);
        }

        return new PollAnswer(PollStatus.Ok, sets, moreAvailable, answered ? null : nextDue);
    }

    private bool IsPollStreamOf(string receiverId) =>
        Config is { } config && config.ReceiverId == receiverId && config.DeliveryMethod == SsfConstants.DeliveryMethods.Poll;

    private static string ReceiverError(SetErrorData error) =>
        error.Description is null ? $"receiver reported {error.Error}" : $"receiver reported {error.Error}: {error.Description}";

    // SETs a poll may hand out now: durable, not held, and not out with the receiver (or out too long).
    private static bool IsDue(StreamData config, PendingSet set, DateTimeOffset now) =>
        !IsHeld(config, set) && (set.InFlightUntil is null || set.InFlightUntil <= now);

    // Whether the window holds fewer than `limit` SETs a poll may hand out now; stops counting at the limit.
    private bool HasFewerDueThan(int limit, DateTimeOffset now)
    {
        var config = Config!;
        var count = 0;
        foreach (var set in _window.Sets)
        {
            if (!set.IsDurable)
            {
                break;
            }

            if (IsDue(config, set, now) && ++count >= limit)
            {
                return false;
            }
        }

        return true;
    }

    private (PolledSet[] Sets, bool MoreAvailable, DateTimeOffset? NextDue) TakeDue(int maxEvents, DateTimeOffset now)
    {
        var config = Config!;
        var taken = new List<PolledSet>(Math.Min(maxEvents, _window.Count));
        var more = false;
        DateTimeOffset? nextDue = null;
        var redeliverAt = now + _polling.RedeliveryInterval;
        foreach (var set in _window.Sets)
        {
            if (!set.IsDurable)
            {
                break;
            }

            if (!IsDue(config, set, now))
            {
                if (!IsHeld(config, set) && (nextDue is null || set.InFlightUntil < nextDue))
                {
                    nextDue = set.InFlightUntil;
                }

                continue;
            }

            if (taken.Count == maxEvents)
            {
                more = true;
                break;
            }

            set.InFlightUntil = redeliverAt;
            set.Attempts++;
            taken.Add(new PolledSet(set.Entry.Jti, set.Entry.Token));
        }

        // What memory does not hold may be due too.
        return ([.. taken], more || (!_window.IsComplete && taken.Count == maxEvents), nextDue);
    }

    /// <summary>Wakes the silos holding long polls on this stream (one-way), and forgets them: a woken poll that finds
    /// nothing registers again.</summary>
    private void NotifyWaiters(StreamSignal signal)
    {
        if (_waiters.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var key = _key.ToString();
        foreach (var (silo, until) in _waiters)
        {
            if (until > now)
            {
                try
                {
                    _ = _agents.For(silo).NotifyStream(key, signal);
                }
                catch (Exception exception)
                {
                    // A silo that is gone has no polls to wake; its receivers poll again elsewhere.
                    LogWakeFailed(_logger, _key, silo, exception);
                }
            }
        }

        _waiters.Clear();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream {Stream}: could not wake the long polls on silo {Silo}.")]
    private static partial void LogWakeFailed(ILogger logger, StreamKey stream, SiloAddress silo, Exception exception);
}
