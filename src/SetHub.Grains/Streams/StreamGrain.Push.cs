using Microsoft.Extensions.Logging;
using SetHub.Core;
using SetHub.Core.Delivery;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Grains.Delivery;

namespace SetHub.Grains.Streams;

/// <summary>
/// Push delivery (RFC 8935): one SET out with the receiver at a time, in log order; the request is made by the
/// silo's push dispatcher outside this grain's turn, and its outcome comes back to this activation.
/// The next push may start as soon as an outcome is known, while it is still being recorded, up to
/// <see cref="DeliveryOptions.StreamBatchSize"/> outcomes not yet durable: after a crash at most that many SETs are
/// sent again. A retryable failure puts the whole stream into backoff, so a dead receiver is retried gently and in order.
/// </summary>
internal sealed partial class StreamGrain
{
    private long? _pushInFlight;
    private int _unrecorded;
    private int _failures;
    private DateTimeOffset? _nextAttemptAt;
    private bool _heldByTenant;
    private DateTimeOffset? _lastSuccessAt;
    private string? _lastError;

    // How often a stream of a disabled tenant looks again, in case the wake-up its tenant sends on enabling is lost.
    private static readonly TimeSpan TenantHoldRecheck = TimeSpan.FromMinutes(1);

    private bool IsPushStream => Config?.DeliveryMethod == SsfConstants.DeliveryMethods.Push;

    // SSF 1.0 §8.1.2.1: a paused stream holds its events; control SETs go out whatever the status.
    private static bool IsHeld(StreamData config, PendingSet set) => !set.Entry.IsControl && config.Status == StreamStatus.Paused;

    /// <summary>Hands the next SET to the dispatcher when the stream may push now.</summary>
    private void Pump()
    {
        if (_fenced || _claim is not { IsCompletedSuccessfully: true } || Config is not { } config || !IsPushStream ||
            _pushInFlight is not null || _unrecorded >= _delivery.StreamBatchSize)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (_nextAttemptAt > now)
        {
            return; // in backoff: the upkeep timer comes back at the retry time
        }

        _nextAttemptAt = null; // the backoff is over (the failures still count towards the next one)

        PendingSet? next = null;
        List<PendingSet>? expired = null;
        foreach (var set in _window.Sets)
        {
            if (!set.IsDurable)
            {
                break; // committing still; everything after it too
            }

            if (IsHeld(config, set))
            {
                continue;
            }

            if (now - set.Entry.QueuedAt >= _delivery.MaxDeliveryAge)
            {
                (expired ??= []).Add(set);
                continue;
            }

            next = set;
            break;
        }

        if (expired is not null)
        {
            DeadLetter(expired, set => ExpiredError(set.LastError));
        }

        if (next is null)
        {
            RefillWhenHeldOrLow(config);
            return;
        }

        _pushInFlight = next.Position;
        next.Attempts++;
        _ = PushAsync(new PushRequest(_key, _epoch, config.Version, next.Position, config.EndpointUrl, _authorizationHeader, next.Entry.Token));
    }

    // The continuation runs on this activation's scheduler, like any other turn of it.
    private async Task PushAsync(PushRequest request)
    {
        var outcome = await _dispatcher.SendAsync(request);
        if (!_fenced && request.Position == _pushInFlight)
        {
            _pushInFlight = null;
            RecordPushOutcome(request, outcome);
        }
    }

    private void RecordPushOutcome(PushRequest request, PushOutcome outcome)
    {
        var set = _window.Find(request.Position);
        if (set is null || Config is not { } config)
        {
            Pump(); // dropped meanwhile (disabled, deleted): nothing to record
            return;
        }

        outcome = NewStreamDelivery.Adjust(outcome, config.CreatedAt, _time.GetUtcNow(), set.Attempts);

        var write = new LogWrite();
        switch (outcome.Kind)
        {
            case PushOutcomeKind.Delivered:
                _window.Remove(set);
                write.Removals.Add(new LogRemoval(set.Position, set.Entry.Jti, set.Attempts));
                write.RemovedAt = TraceTime();
                _lastSuccessAt = _time.GetUtcNow();
                ResetBackoff(write);
                break;

            case PushOutcomeKind.Rejected:
                // R29: a retry of the same bytes cannot succeed; the receiver answered, so the stream is healthy.
                LogRejected(_logger, _key, set.Entry.Jti, outcome.Error!);
                _window.Remove(set);
                write.DeadLetters.Add(new DeadLetterMark(set.Position, outcome.Error!, set.Attempts));
                ResetBackoff(write);
                break;

            case PushOutcomeKind.Held:
                // Not an attempt: the tenant is disabled. Enabling it wakes the stream (ReleaseTenantHold).
                set.Attempts--;
                _heldByTenant = true;
                _nextAttemptAt = _time.GetUtcNow() + TenantHoldRecheck;
                ScheduleUpkeep();
                return;

            case PushOutcomeKind.Retryable when request.ConfigVersion != config.Version:
                // Failed against an endpoint or secret that has changed since: try the new one at once.
                Pump();
                return;

            default:
                set.LastError = outcome.Error;
                _lastError = outcome.Error;
                _failures++;
                _nextAttemptAt = _time.GetUtcNow() + RetrySchedule.NextDelay(_failures, _delivery, _random, outcome.RetryAfter);
                write.Head = new HeadUpdate(_failures, _nextAttemptAt);
                LogRetry(_logger, _key, set.Entry.Jti, outcome.Error!, _failures, _nextAttemptAt.Value);
                ScheduleUpkeep();
                break;
        }

        RecordInBackground(write);
        Pump();
        if (_window.Count < _window.Capacity / 2)
        {
            RefillWhenHeldOrLow(config);
        }
    }

    /// <summary>Pushes at once again after the tenant was enabled.</summary>
    private void ReleaseTenantHold()
    {
        if (_heldByTenant)
        {
            _heldByTenant = false;
            _nextAttemptAt = null;
        }
    }

    private void ResetBackoff(LogWrite write)
    {
        if (_failures > 0 || _nextAttemptAt is not null)
        {
            _failures = 0;
            _nextAttemptAt = null;
            write.Head = new HeadUpdate(0, null);
        }
    }

    // Moves SETs to the dead letters (their delivery failed for good, or they aged out).
    private void DeadLetter(IReadOnlyList<PendingSet> sets, Func<PendingSet, string> error)
    {
        var write = new LogWrite();
        foreach (var set in sets)
        {
            _window.Remove(set);
            write.DeadLetters.Add(new DeadLetterMark(set.Position, error(set), set.Attempts));
        }

        RecordInBackground(write);
    }

    private static string ExpiredError(string? lastError) => lastError is null
        ? "expired: not delivered within the maximum delivery age"
        : $"expired: not delivered within the maximum delivery age; last error: {lastError}";

    /// <summary>
    /// Records outcomes without holding up the next push: the count of outcomes not yet durable bounds what a crash
    /// can send again. A write that fails is retried while this activation lives; if it cannot be recorded, the
    /// activation ends and the next one reads the log as stored (and sends those SETs again: at least once).
    /// </summary>
    private void RecordInBackground(LogWrite write)
    {
        if (write.IsEmpty)
        {
            return;
        }

        _unrecorded++;
        _ = RecordAsync(write);
    }

    private async Task RecordAsync(LogWrite write)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CommitAsync(write);
                break;
            }
            catch (LogFencedException)
            {
                break;
            }
            catch (Exception exception) when (attempt < MaxRecordAttempts)
            {
                LogRecordRetry(_logger, _key, delay, exception);
                await Task.Delay(delay, _time);
                delay *= 2;
            }
            catch (Exception exception)
            {
                LogRecordFailed(_logger, _key, exception);
                _fenced = true; // stop acting on what memory says: the next activation reads the log
                DeactivateOnIdle();
                break;
            }
        }

        _unrecorded--;
        Pump();
    }

    private const int MaxRecordAttempts = 6;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push to stream {Stream} rejected SET {Jti} for good: {Error}. It is dead-lettered.")]
    private static partial void LogRejected(ILogger logger, StreamKey stream, string jti, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Push to stream {Stream} failed for SET {Jti}: {Error}. Failure {Failures}; retrying at {RetryAt:O}.")]
    private static partial void LogRetry(ILogger logger, StreamKey stream, string jti, string error, int failures, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Stream}: recording delivery outcomes failed; trying again in {Delay}.")]
    private static partial void LogRecordRetry(ILogger logger, StreamKey stream, TimeSpan delay, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream {Stream}: delivery outcomes could not be recorded; the stream restarts from its stored log.")]
    private static partial void LogRecordFailed(ILogger logger, StreamKey stream, Exception exception);
}
