using Microsoft.Extensions.Logging;
using SetHub.Core.Storage;
using SetHub.Core.Streams;

namespace SetHub.Grains.Streams;

/// <summary>
/// What keeps a stream moving without a caller: while active, one grain timer set to the next thing due (the end of a
/// push backoff, the oldest SET's MaxDeliveryAge, the inactivity deadline); across crashes and deactivations, the
/// stream's reminder, which reactivates it and recomputes all of that from the stored head of its log.
/// </summary>
internal sealed partial class StreamGrain
{
    /// <summary>The name of every stream's reminder.</summary>
    public const string ReminderName = "wake";

    private static readonly TimeSpan MaxActivityGranularity = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MinimumUpkeepWait = TimeSpan.FromMilliseconds(10);

    private IGrainTimer? _upkeepTimer;
    private DateTimeOffset? _upkeepAt;
    private DateTimeOffset? _lastActivity;

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Config is null)
        {
            // The stream is gone (a delete that crashed before unregistering): stop waking it.
            if (await this.GetReminder(reminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            DeactivateOnIdle();
            return;
        }

        if (_claim is null && (await _log.ReadAsync(_key, 0, 1)).Count == 0)
        {
            // Nothing queued: only the inactivity deadline can be due. An idle stream need not stay in memory.
            await PauseIfInactiveAsync();
            if (_waiters.Count == 0)
            {
                DeactivateOnIdle();
            }

            return;
        }

        await UpkeepAsync();
    }

    public async Task Wake()
    {
        if (Config is not null && !_fenced)
        {
            ReleaseTenantHold();
            await UpkeepAsync();
        }
    }

    /// <summary>Does whatever is due now, then sets the timer to the next thing due.</summary>
    private async Task UpkeepAsync()
    {
        await PauseIfInactiveAsync();
        await EnsureLogAsync();
        ExpireAgedSets();
        PurgeTrace();
        Pump();
        ScheduleUpkeep();
    }

    /// <summary>When removals are kept for the event trace: now, or <see langword="null"/> when the retention is 0
    /// (removed SETs are deleted at once).</summary>
    private DateTimeOffset? TraceTime() => _delivery.TraceRetention > TimeSpan.Zero ? _time.GetUtcNow() : null;

    // Delivered SETs past the trace retention go, at most once per TracePurgeInterval per activation (the reminder
    // brings every stream here; the trace itself hides what is older than the retention, whenever the purge runs). It
    // runs with a retention of 0 too: what an earlier, longer retention kept goes then.
    private void PurgeTrace()
    {
        var now = _time.GetUtcNow();
        if (now >= _nextTracePurgeAt)
        {
            _nextTracePurgeAt = now + TracePurgeInterval;
            RecordInBackground(new LogWrite { PurgeDoneBefore = now - _delivery.TraceRetention });
        }
    }

    private static readonly TimeSpan TracePurgeInterval = TimeSpan.FromMinutes(15);

    private DateTimeOffset _nextTracePurgeAt = DateTimeOffset.MinValue;

    // MaxDeliveryAge applies in every lane: pushed, unpolled or held. The window holds the oldest SETs, so when every
    // SET it holds has expired the log beyond it may hold expired ones too.
    private void ExpireAgedSets()
    {
        var cutoff = _time.GetUtcNow() - _delivery.MaxDeliveryAge;
        var expired = _window.Sets.Where(set => set.IsDurable && set.Entry.QueuedAt <= cutoff && set.Position != _pushInFlight).ToArray();
        if (expired.Length > 0)
        {
            DeadLetter(expired, set => ExpiredError(set.LastError));
            LogExpired(_logger, _key, expired.Length);
        }

        if (expired.Length > 0 && _window.Count == 0 && !_window.IsComplete)
        {
            var write = new LogWrite { ExpireQueuedBefore = cutoff, ExpiryError = ExpiredError(lastError: null) };
            RecordInBackground(write);
            _ = RefillAsync(); // it catches its own failures
        }
    }

    /// <summary>Sets the one timer to the earliest thing due, if anything is.</summary>
    private void ScheduleUpkeep()
    {
        if (Config is not { } config || _fenced)
        {
            return;
        }

        DateTimeOffset? due = null;
        void Consider(DateTimeOffset? candidate)
        {
            if (candidate is not null && (due is null || candidate < due))
            {
                due = candidate;
            }
        }

        if (_window.Count > 0)
        {
            // Only what upkeep can act on: a backoff that ends (not while a push is out: its outcome drives the stream),
            // and the oldest SET not out with the receiver reaching MaxDeliveryAge.
            if (IsPushStream && _pushInFlight is null)
            {
                Consider(_nextAttemptAt);
            }

            if (_window.Sets.FirstOrDefault(set => set.Position != _pushInFlight) is { } oldest)
            {
                Consider(oldest.Entry.QueuedAt + _delivery.MaxDeliveryAge);
            }
        }

        Consider(InactivityDeadline(config));
        if (due == _upkeepAt)
        {
            return;
        }

        _upkeepAt = due;
        if (due is null)
        {
            _upkeepTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        // Something already due runs after a short pause, never in a tight loop.
        var wait = due.Value - _time.GetUtcNow();
        wait = wait < MinimumUpkeepWait ? MinimumUpkeepWait : wait;
        if (_upkeepTimer is null)
        {
            _upkeepTimer = this.RegisterGrainTimer(OnUpkeepTimerAsync, new GrainTimerCreationOptions(wait, Timeout.InfiniteTimeSpan));
        }
        else
        {
            _upkeepTimer.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task OnUpkeepTimerAsync(CancellationToken cancellationToken)
    {
        _upkeepAt = null;
        if (Config is null || _fenced)
        {
            return;
        }

        try
        {
            await UpkeepAsync();
        }
        catch (Exception exception) when (exception is not LogFencedException)
        {
            // The store is unreachable: the reminder comes back.
            LogUpkeepFailed(_logger, _key, exception);
        }
    }

    // SSF 1.0 §8.1.1 inactivity_timeout: an enabled stream whose receiver shows no activity this long is paused.
    private DateTimeOffset? InactivityDeadline(StreamData config) =>
        config.Status == StreamStatus.Enabled && config.InactivityTimeout is { } timeout
            ? (_lastActivity ?? config.CreatedAt) + timeout
            : null;

    private async Task PauseIfInactiveAsync()
    {
        if (Config is { } config && InactivityDeadline(config) is { } deadline && deadline <= _time.GetUtcNow())
        {
            // SetHub pauses rather than disables or deletes, so nothing is lost; the receiver is told (R118).
            LogPausedInactive(_logger, _key);
            await SetStatus(receiverId: null, StreamStatus.Paused, StreamLifecycleReasons.InactivityTimeout, announce: true);
        }
    }

    /// <summary>
    /// Restarts the inactivity clock. Streams without a timeout cost nothing; others are written at most once per tenth
    /// of their timeout (and at least once a minute), so a busy poller does not write on every poll. A write lost to a
    /// crash makes the stored clock older by less than that tenth, which the receiver's next poll comes well before.
    /// </summary>
    private void RecordActivity()
    {
        if (Config?.InactivityTimeout is not { } timeout)
        {
            return;
        }

        var now = _time.GetUtcNow();
        _lastActivity = now;
        var granularity = timeout / 10 < MaxActivityGranularity ? timeout / 10 : MaxActivityGranularity;
        if (_state.State.LastActivityAt is not { } stored || now - stored >= granularity)
        {
            _ = PersistActivityAsync(now);
        }
    }

    private async Task PersistActivityAsync(DateTimeOffset at)
    {
        try
        {
            using (await _stateWrites.EnterAsync())
            {
                if (Config is not null && (_state.State.LastActivityAt is null || _state.State.LastActivityAt < at))
                {
                    _state.State.LastActivityAt = at;
                    await _state.WriteStateAsync();
                }
            }
        }
        catch (Exception exception)
        {
            LogActivityNotSaved(_logger, _key, exception);
        }

        ScheduleUpkeep();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Stream}: dead-lettered {Count} SETs not delivered within the maximum delivery age.")]
    private static partial void LogExpired(ILogger logger, StreamKey stream, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Stream}: paused after its inactivity timeout.")]
    private static partial void LogPausedInactive(ILogger logger, StreamKey stream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Stream}: upkeep failed; its reminder will try again.")]
    private static partial void LogUpkeepFailed(ILogger logger, StreamKey stream, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream {Stream}: receiver activity not saved; it is kept in memory.")]
    private static partial void LogActivityNotSaved(ILogger logger, StreamKey stream, Exception exception);
}
