using Microsoft.Extensions.Logging;
using SetHub.Core.Delivery;
using SetHub.Core.Events;
using SetHub.Core.Results;
using SetHub.Core.Signing;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Core.Subjects;
using SetHub.Grains.Subjects;

namespace SetHub.Grains.Streams;

/// <summary>The stream's control SETs (verification, stream-updated), its subjects, and re-driving dead letters.</summary>
internal sealed partial class StreamGrain
{
    public async Task<Failure?> RequestVerification(string receiverId, string? state)
    {
        if (FindOwned(receiverId) is { } failure)
        {
            return failure;
        }

        // SSF 1.0 §8.1.1 min_verification_interval (R121): requests closer together get 429, with Retry-After saying when
        // the next one will be accepted. The interval is used up only once the SET is durable.
        var now = _time.GetUtcNow();
        if (Config!.MinVerificationInterval is { } interval && _state.State.LastVerificationAt is { } last && now - last < interval)
        {
            return Failure.From(OperationError.TooManyRequests(
                $"Verification requests for this stream must be at least {(int)interval.TotalSeconds} seconds apart (min_verification_interval).") with
            {
                RetryAfter = last + interval - now,
            });
        }

        await AppendControlAsync(await SignVerificationAsync(state));
        using (await _stateWrites.EnterAsync())
        {
            _state.State.LastVerificationAt = now;
            await _state.WriteStateAsync();
        }

        return null;
    }

    public async Task<Failure?> ChangeSubject(string receiverId, string subjectJson, bool add, bool verified)
    {
        if (FindOwned(receiverId) is { } failure)
        {
            return failure;
        }

        var subject = SubjectParser.Parse(subjectJson);
        if (!subject.IsSuccess)
        {
            return Failure.From(subject.Error);
        }

        var config = Config!;
        if (IsOwnSubject(subject.Value))
        {
            // SSF 1.0 §8.1.4.1: a stream's own subject is always in the stream.
            return add ? null : Failure.Invalid("A stream's own subject is always in the stream and cannot be removed (SSF 1.0 §8.1.4.1).");
        }

        var indexKeys = SubjectKeys.IndexKeys(subject.Value);
        var grains = indexKeys.Select(indexKey => GrainFactory.GetGrain<ISubjectGrain>(SubjectGrainKeys.For(_key.TenantId, indexKey))).ToArray();

        // SSF 1.0 §9.1, §8.1.3.2: a subject that names an opted-out principal is silently ignored, and the answer says
        // nothing about it.
        if (add)
        {
            var lookups = await Task.WhenAll(grains.Select(grain => grain.Lookup()));
            if (OptOutDecisions.IsOptedOut(subject.Value, lookups.SelectMany(lookup => lookup.OptOuts).Select(optOut => (optOut.SubjectKey, optOut.SubjectJson))))
            {
                return null;
            }
        }

        // With default_subjects ALL the rows are exclusions, so adding re-includes by deleting one (SSF 1.0 §7.1).
        var include = !config.IncludesAllSubjects;
        var subjectKey = SubjectKeys.Key(subject.Value);
        if (add == include)
        {
            var now = _time.GetUtcNow();
            await Task.WhenAll(grains.Select(grain => grain.Put(new SubjectEntry(_key.StreamId, subjectKey, subject.Value.CanonicalJson, include, verified, now))));
        }
        else
        {
            await Task.WhenAll(grains.Select(grain => grain.Remove(_key.StreamId, subjectKey)));
        }

        return null;
    }

    public async Task<Outcome<RedriveData>> Redrive(string[]? jtis)
    {
        if (Config is not { } config)
        {
            return Outcome<RedriveData>.Failed(NoSuchStream());
        }

        if (config.Status == StreamStatus.Disabled)
        {
            return Outcome<RedriveData>.Failed(OperationError.Conflict("The stream is disabled and holds no events; enable it before re-driving."));
        }

        await EnsureLogAsync();
        await FlushWritesAsync();
        var wanted = jtis is null ? null : new HashSet<string>(jtis, StringComparer.Ordinal);
        var count = 0;
        var reissued = new List<ReissuedSet>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            // Dead letters are re-queued at the end of the log, a page at a time, with a fresh MaxDeliveryAge clock, and
            // re-issued: a new jti and a fresh iat, signed with the active key (SetReissue), so a receiver that refuses
            // aged SETs takes them now.
            var page = (await _log.ListDeadLettersAsync(_key, RedrivePage))
                .Where(letter => (wanted is null || wanted.Contains(letter.Jti)) && seen.Add(letter.Jti))
                .ToArray();
            if (page.Length == 0)
            {
                break;
            }

            var key = await _keys.GetActiveKeyAsync(_key.TenantId, config.SigningAlgorithm);
            var write = new LogWrite();
            var now = _time.GetUtcNow();
            foreach (var letter in page)
            {
                var jti = SetReissue.NewJti();
                write.Redrives.Add(new Redrive(letter.Jti, NextPosition(), now, jti, SetReissue.Reissue(letter.Token, jti, now, key)));
            }

            await CommitAsync(write);
            foreach (var redrive in write.Redrives)
            {
                LogReissued(_logger, _key, redrive.Jti, redrive.NewJti);
                if (reissued.Count < RedrivePage)
                {
                    reissued.Add(new ReissuedSet(redrive.Jti, redrive.NewJti));
                }
            }

            count += page.Length;
        }

        if (count > 0)
        {
            _window.MarkIncomplete();
            _refillStalled = false;
            _ = RefillAsync(); // it catches its own failures
        }

        return Outcome<RedriveData>.Success(new RedriveData(count, [.. reissued]));
    }

    // Dead letters re-driven per write, and re-issued jtis listed in the answer (every one is in the log).
    private const int RedrivePage = 1000;

    private bool IsOwnSubject(SubjectIdentifier subject) =>
        subject.Format == Core.SsfConstants.SubjectFormats.Opaque &&
        subject.Equals(SubjectParser.Parse(ControlSets.StreamSubjectJson(_key.StreamId)).Value);

    private async Task<SetToAppend> SignVerificationAsync(string? state)
    {
        var config = Config!;
        var key = await _keys.GetActiveKeyAsync(_key.TenantId, config.SigningAlgorithm);
        return ToAppend(ControlSets.Verification(_urls.Issuer(_key.TenantId), config.Audience, _key.StreamId, state, key, _time));
    }

    private async Task<SetToAppend> SignStreamUpdatedAsync(StreamStatus status, string? reason)
    {
        var config = Config!;
        var key = await _keys.GetActiveKeyAsync(_key.TenantId, config.SigningAlgorithm);
        return ToAppend(ControlSets.StreamUpdated(_urls.Issuer(_key.TenantId), config.Audience, _key.StreamId, status, reason, key, _time));
    }

    private static SetToAppend ToAppend(SignedSet set) => new(set.Jti, set.Token, set.EventType, set.IssuedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Stream}: dead letter {Jti} re-driven, re-issued as {NewJti}.")]
    private static partial void LogReissued(ILogger logger, StreamKey stream, string jti, string newJti);
}
