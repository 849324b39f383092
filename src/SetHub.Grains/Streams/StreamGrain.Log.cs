using Microsoft.Extensions.Logging;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Grains.Silos;

namespace SetHub.Grains.Streams;

/// <summary>The stream grain's SET log: claiming it, appending, refilling the in-memory window, committing changes.</summary>
internal sealed partial class StreamGrain
{
    private readonly StreamWindow _window;
    private readonly HashSet<Task> _writes = [];
    private Task? _claim;
    private Task? _refill;
    private bool _refillStalled;
    private long _controlReadPosition;
    private long _epoch;
    private long _positions; // positions handed out in this epoch
    private bool _fenced;

    public async Task<AppendResult> Append(SetToAppend set)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (Accepts(set.EventType) is { } refused)
        {
            return refused;
        }

        await EnsureLogAsync();
        if (Accepts(set.EventType) is { } refusedNow)
        {
            return refusedNow; // changed or deleted while the log was claimed
        }

        if (_window.TryGet(set.Jti, out _))
        {
            return AppendResult.Duplicate; // a publish retried while its first SET still waits here
        }

        var entry = new LogEntry(NextPosition(), set.Jti, set.Token, set.EventType, IsControl: false, set.CreatedAt, Transaction: set.Transaction);
        return await AppendEntryAsync(entry);
    }

    // SSF 1.0 §8.1.2.1: a disabled stream takes no events; the type must be in events_delivered (the tenant's directory
    // chose this stream from a snapshot, which may be a moment behind the stream itself).
    private AppendResult? Accepts(string eventType) => Config switch
    {
        null => AppendResult.NoSuchStream,
        { Status: StreamStatus.Disabled } => AppendResult.NotDelivered,
        var config when !config.EventsDelivered.Contains(eventType, StringComparer.Ordinal) => AppendResult.NotDelivered,
        _ => null,
    };

    // Control SETs (verification, stream-updated) go to every stream whatever its status.
    private async Task AppendControlAsync(SetToAppend set)
    {
        await EnsureLogAsync();
        await AppendEntryAsync(new LogEntry(NextPosition(), set.Jti, set.Token, set.EventType, IsControl: true, set.CreatedAt));
    }

    private async Task<AppendResult> AppendEntryAsync(LogEntry entry)
    {
        var write = new LogWrite();
        write.Appends.Add(entry);
        var commit = _log.WriteAsync(_key, _epoch, write);
        var held = _window.Append(entry, commit);
        LogWriteResult result;
        try
        {
            result = await CommitAsync(commit);
        }
        catch
        {
            if (held is not null)
            {
                _window.Remove(held);
            }

            throw;
        }
        finally
        {
            if (held is null)
            {
                _window.UncachedAppendFinished();
            }
        }

        if (result.Duplicates.Count > 0)
        {
            // The stream already had this jti (a retried publish): the SET it has is the one that counts.
            if (held is not null)
            {
                _window.Remove(held);
            }

            return AppendResult.Duplicate;
        }

        OnQueued();
        return AppendResult.Queued;
    }

    // A SET became durable: whoever delivers it may go.
    private void OnQueued()
    {
        if (Config is not { } config)
        {
            return;
        }

        if (config.DeliveryMethod == Core.SsfConstants.DeliveryMethods.Push)
        {
            Pump();
        }
        else
        {
            NotifyWaiters(StreamSignal.Available);
        }

        ScheduleUpkeep(); // the new SET may be the oldest: its MaxDeliveryAge

        if (!_window.IsComplete)
        {
            _refillStalled = false; // it went to the log only: read it back in its turn
            if (_window.Count == 0)
            {
                _ = RefillAsync(); // it catches its own failures
            }
        }
    }

    /// <summary>Claims the log once per activation, before the first thing that reads or writes it.</summary>
    private Task EnsureLogAsync()
    {
        if (_fenced)
        {
            throw new LogFencedException();
        }

        if (_claim is { IsFaulted: true } or { IsCanceled: true })
        {
            _claim = null; // the last attempt failed (the store was unreachable): try again
        }

        return _claim ??= ClaimAsync();
    }

    private async Task ClaimAsync()
    {
        var claim = await _log.ClaimAsync(_key, SiloOwner, _window.Capacity);
        _epoch = claim.Head.Epoch;
        _failures = claim.Head.Failures;
        _nextAttemptAt = claim.Head.NextAttemptAt;
        _window.Load(claim.Window, claim.IsComplete);
    }

    // Positions grow with the epoch, so an activation's positions follow every earlier activation's.
    private long NextPosition() => (_epoch << 32) + ++_positions;

    /// <summary>Commits a write of this stream's log; a write refused by its epoch ends this activation.</summary>
    private async Task<LogWriteResult> CommitAsync(LogWrite write) => await CommitAsync(_log.WriteAsync(_key, _epoch, write));

    private async Task<LogWriteResult> CommitAsync(Task<LogWriteResult> commit)
    {
        _writes.Add(commit);
        LogWriteResult result;
        try
        {
            result = await commit;
        }
        catch
        {
            // Whether it committed is unknown: the next activation reads the log as it is.
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _writes.Remove(commit);
        }

        if (result.Status == LogWriteStatus.Fenced)
        {
            _fenced = true;
            LogFenced(_logger, _key);
            DeactivateOnIdle();
            throw new LogFencedException();
        }

        return result;
    }

    // Waits for the writes of outcomes and acknowledgements still committing (their failures are handled where they
    // were made).
    private async Task FlushWritesAsync()
    {
        foreach (var write in _writes.ToArray())
        {
            await ((Task)write).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }
    }

    /// <summary>Reads the next part of the log into the window, once at a time.</summary>
    private Task RefillAsync()
    {
        if (_window.IsComplete)
        {
            return Task.CompletedTask;
        }

        return IsRefilling ? _refill! : _refill = RunRefillAsync(controlOnly: false);
    }

    // A read of the log is under way (a completed task stays in the field: reads may complete synchronously).
    private bool IsRefilling => _refill is { IsCompleted: false };

    /// <summary>
    /// Refills when the window runs low, or, when everything it holds is held by a pause, reads the control SETs from
    /// beyond it. A read that found nothing new is not repeated until something is appended: no spinning on a log
    /// whose last appends are still committing.
    /// </summary>
    private void RefillWhenHeldOrLow(StreamData config)
    {
        if (_window.IsComplete || IsRefilling || _refillStalled)
        {
            return;
        }

        if (_window.Count < _window.Capacity / 2)
        {
            _refill = RunRefillAsync(controlOnly: false);
        }
        else if (_window.Sets.All(set => IsHeld(config, set)))
        {
            _refill = RunRefillAsync(controlOnly: true);
        }
    }

    private async Task RunRefillAsync(bool controlOnly)
    {
        try
        {
            var marker = _window.RefillMarker;
            var limit = _window.Capacity;
            int added;
            if (controlOnly)
            {
                var read = await _log.ReadAsync(_key, Math.Max(_window.LastPosition, _controlReadPosition), limit, controlOnly: true);
                _window.AddBeyond(read);
                _controlReadPosition = read.Count > 0 ? read[^1].Position : Math.Max(_window.LastPosition, _controlReadPosition);
                added = read.Count;
            }
            else
            {
                added = _window.Refilled(await _log.ReadAsync(_key, _window.LastPosition, limit), limit, marker);
            }

            _refillStalled = added == 0;
        }
        catch (Exception exception)
        {
            // Delivery goes on with what is in memory; the next delivery or upkeep reads again.
            LogRefillFailed(_logger, _key, exception);
            return;
        }

        OnRefilled();
    }

    private void OnRefilled()
    {
        if (IsPushStream)
        {
            Pump();
        }
        else if (_window.Count > 0)
        {
            NotifyWaiters(StreamSignal.Available);
        }

        ScheduleUpkeep();
    }

    /// <summary>Makes the log follow a configuration change (see <see cref="ChangeAsync"/>).</summary>
    private async Task FollowConfigurationAsync(StreamData before, string? headerBefore, StreamData after)
    {
        var write = new LogWrite();
        if (after.Status == StreamStatus.Disabled && before.Status != StreamStatus.Disabled)
        {
            // SSF 1.0 §8.1.2.1: a disabled stream neither transmits nor holds events.
            write.DropQueuedEvents = true;
            _window.RemoveAll(set => !set.Entry.IsControl);
        }

        var deliveryChanged = before.DeliveryMethod != after.DeliveryMethod || before.EndpointUrl != after.EndpointUrl ||
                              !string.Equals(headerBefore, _authorizationHeader, StringComparison.Ordinal);
        var released = before.Status != StreamStatus.Enabled && after.Status == StreamStatus.Enabled;
        if (deliveryChanged || released)
        {
            // The receiver may have fixed what failed: end the backoff.
            ResetBackoff(write);
        }

        if (before.DeliveryMethod != after.DeliveryMethod)
        {
            foreach (var set in _window.Sets)
            {
                set.InFlightUntil = null;
            }
        }

        if (!write.IsEmpty)
        {
            await EnsureLogAsync();
            await CommitAsync(write);
        }

        if (_claim is not null)
        {
            OnQueued();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Stream}: reading its log failed; it is read again on the next delivery.")]
    private static partial void LogRefillFailed(ILogger logger, StreamKey stream, Exception? exception);
}
