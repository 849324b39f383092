using System.Text.Json;
using SetHub.Core;
using SetHub.Core.Events;
using SetHub.Core.Results;
using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Core.Storage;
using SetHub.Core.Subjects;
using SetHub.Core.Tenants;
using SetHub.Grains.Streams;
using SetHub.Grains.Subjects;
using SetHub.Grains.Tenants;
using SetHub.Snapshots;

namespace SetHub.Publishing;

/// <summary>The answer to a publish: the <c>txn</c> the SETs share, and how many streams got one.</summary>
/// <param name="Transaction">The <c>txn</c>.</param>
/// <param name="Streams">The number of streams a SET is queued for.</param>
/// <param name="Replayed">Whether this is the stored answer to an earlier request under the same Idempotency-Key.</param>
internal sealed record PublishResult(string Transaction, int Streams, bool Replayed = false);

/// <summary>
/// Publishes one event of a tenant (SSF 1.0 §4): validate, find the streams it goes to (from the silo's snapshot of the
/// tenant's directory and the subject grains of the event's identifiers), sign one SET per stream in parallel, append
/// each to its stream, and answer once every append is durable. There is no transaction across streams: a failure half
/// way leaves some streams with their SET and others without. The SETs' <c>jti</c>s derive from the publish, so the
/// publisher's retry with the same <c>txn</c> and event lands on the SETs already queued and adds only the missing ones.
/// </summary>
internal sealed class Publisher(IGrainFactory grains, StreamGrainReferences streamGrains, TenantSnapshots snapshots, ITransmitterUrls urls, TimeProvider time)
{
    // Below this many streams, signing in parallel costs more than it saves.
    private const int ParallelSigningThreshold = 32;

    // How long a publish keeps retrying grain calls that failed transiently before it answers 503: long enough for a
    // dead node to be declared dead, well inside a publisher's own timeout.
    private static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(5);

    /// <summary>Publishes a publish body.</summary>
    public async Task<Result<PublishResult>> PublishAsync(string tenantId, JsonElement body, CancellationToken cancellationToken)
    {
        var parsed = PublishRequest.Parse(body);
        return parsed.IsSuccess ? await PublishAsync(tenantId, parsed.Value, transaction: null, cancellationToken) : parsed.Error;
    }

    /// <summary>Publishes a parsed request; <paramref name="transaction"/> is the <c>txn</c> when the request names none
    /// (else a new one).</summary>
    public async Task<Result<PublishResult>> PublishAsync(string tenantId, PublishRequest request, string? transaction, CancellationToken cancellationToken)
    {
        if (await snapshots.GetAsync(tenantId) is not { } view)
        {
            return OperationError.NotFound($"No tenant '{tenantId}'.");
        }

        if (view.Tenant.Disabled)
        {
            return OperationError.Forbidden($"The tenant '{tenantId}' is disabled: it takes no events.");
        }

        transaction = request.Transaction ?? transaction ?? Identifiers.New(time);
        var subjects = SubjectKeys.IndexKeys(request.Subject).Select(indexKey => grains.GetGrain<ISubjectGrain>(SubjectGrainKeys.For(tenantId, indexKey))).ToArray();
        var deadline = time.GetUtcNow() + RetryBudget;
        var directory = snapshots.GetDirectoryAsync(tenantId); // fetched, if it must be, while the subjects are looked up
        var lookups = await Task.WhenAll(subjects.Select(subject => TransientRetry.RunAsync(subject.Lookup, deadline, time)));
        // An opt-out older than the tenant belongs to a deleted tenant of the same id, still in a subject grain's memory.
        var optOuts = lookups.SelectMany(lookup => lookup.OptOuts).Where(optOut => optOut.CreatedAt >= view.Tenant.CreatedAt)
            .Select(optOut => (optOut.SubjectKey, optOut.SubjectJson)).ToArray();

        // RISC 1.0 §2.8: an opted-out subject gets no further events; opt-in is announced whatever the state. A repeated
        // opt-out is still recorded: it may name identifiers the first did not (another alias).
        if (request.EventType != SsfConstants.RiscEvents.OptIn && OptOutDecisions.IsOptedOut(request.Subject, optOuts))
        {
            if (request.EventType == SsfConstants.RiscEvents.OptOutEffective)
            {
                await RecordOptOutAsync(tenantId, request.Subject);
            }

            return new PublishResult(transaction, 0);
        }

        var targets = await directory is { } streams ? FanOut.Targets(streams, request.EventType, request.Subject, lookups) : [];
        var sets = Sign(view, request, transaction, targets);
        if (Array.Find(sets, set => set.Token.Length > LogLimits.MaxTokenLength) is not null)
        {
            // The payload and subject caps keep SETs far below this; it guards the stores' entity limits all the same.
            return OperationError.Invalid($"The signed SET would be longer than {LogLimits.MaxTokenLength} characters.");
        }

        var queued = await AppendAsync(tenantId, targets, sets, deadline);

        // The opt-out state changes once its announcement is durable; a failure before this point leaves the state as
        // it was, and the publisher's retry (same txn) completes both.
        if (request.EventType == SsfConstants.RiscEvents.OptOutEffective)
        {
            await RecordOptOutAsync(tenantId, request.Subject);
        }
        else if (request.EventType == SsfConstants.RiscEvents.OptIn)
        {
            await LiftOptOutsAsync(tenantId, OptOutDecisions.Lifted(request.Subject, optOuts));
        }

        return new PublishResult(transaction, queued);
    }

    private SetToAppend[] Sign(TenantView view, PublishRequest request, string transaction, IReadOnlyList<SnapshotStream> targets)
    {
        var now = time.GetUtcNow();
        var issuer = urls.Issuer(view.Tenant.TenantId);
        var fingerprint = PublishedSetIds.Fingerprint(view.Tenant.TenantId, request, transaction);
        var keys = targets.Select(stream => stream.SigningAlgorithm).Distinct(StringComparer.Ordinal)
            .ToDictionary(algorithm => algorithm, algorithm => snapshots.GetActiveKey(view, algorithm), StringComparer.Ordinal);

        var sets = new SetToAppend[targets.Count];
        void SignOne(int index)
        {
            var stream = targets[index];
            var jti = PublishedSetIds.For(fingerprint, stream.StreamId);
            var claims = new SetClaims(issuer, stream.Audience, jti, now.ToUnixTimeSeconds(), request.Subject.Json, request.EventType,
                request.PayloadJson, transaction, request.TimeOfEvent);
            sets[index] = new SetToAppend(jti, claims.Sign(keys[stream.SigningAlgorithm]), request.EventType, now, transaction);
        }

        if (targets.Count < ParallelSigningThreshold)
        {
            for (var i = 0; i < targets.Count; i++)
            {
                SignOne(i);
            }
        }
        else
        {
            Parallel.For(0, targets.Count, SignOne);
        }

        return sets;
    }

    private async Task<int> AppendAsync(string tenantId, IReadOnlyList<SnapshotStream> targets, SetToAppend[] sets, DateTimeOffset deadline)
    {
        var results = await Task.WhenAll(targets.Select((stream, index) => AppendOneAsync(tenantId, stream.StreamId, sets[index], deadline)));
        var queued = 0;
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i] is AppendResult.Queued or AppendResult.Duplicate)
            {
                queued++;
            }
            else
            {
                // The directory said this stream wants the event and the stream says otherwise: bring the row in line.
                _ = grains.GetGrain<ITenantGrain>(tenantId).SyncStream(targets[i].StreamId);
            }
        }

        return queued;
    }

    // Only the appends that failed are made again, so streams that took the SET are not asked twice; an append is
    // idempotent anyway (the jti derives from the publish), so one that failed after it was written is harmless.
    private Task<AppendResult> AppendOneAsync(string tenantId, string streamId, SetToAppend set, DateTimeOffset deadline)
    {
        var stream = streamGrains.For(new StreamKey(tenantId, streamId));
        return TransientRetry.RunAsync(() => stream.Append(set), deadline, time);
    }

    private async Task RecordOptOutAsync(string tenantId, SubjectIdentifier subject)
    {
        var now = time.GetUtcNow();
        var optOut = new OptOutEntry(SubjectKeys.Key(subject), subject.CanonicalJson, now);
        await Task.WhenAll(SubjectKeys.IndexKeys(subject).Select(indexKey =>
            grains.GetGrain<ISubjectGrain>(SubjectGrainKeys.For(tenantId, indexKey)).RecordOptOut(optOut, now)));
    }

    // An opt-out is filed under each identifier of the opted-out subject, which may be more than the opt-in names.
    private Task LiftOptOutsAsync(string tenantId, IReadOnlyList<(string SubjectKey, SubjectIdentifier Subject)> lifted) =>
        Task.WhenAll(lifted.SelectMany(optOut => SubjectKeys.IndexKeys(optOut.Subject).Select(indexKey =>
            grains.GetGrain<ISubjectGrain>(SubjectGrainKeys.For(tenantId, indexKey)).LiftOptOut(optOut.SubjectKey))));
}
