using System.Text.Json;
using SetHub.Core.Caching;
using SetHub.Core.Delivery;
using SetHub.Core.Results;
using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Core.Subjects;
using SetHub.Core.Tenants;

namespace SetHub.Core.Events;

/// <summary>The answer to a publish: the transaction id shared by the SETs, and how many streams got one.</summary>
/// <param name="Transaction">The <c>txn</c> of every SET issued for this event.</param>
/// <param name="Streams">The number of streams a SET was queued for.</param>
public sealed record PublishResult(string Transaction, int Streams);

/// <summary>
/// Publishes one event of a tenant: one signed SET per matching stream, each with its own <c>jti</c> and the
/// stream's <c>aud</c>, all with the same <c>txn</c> (SSF 1.0 §4.1.9). Every SET is committed before this returns,
/// so an accepted event is never lost: it is delivered or dead-lettered.
/// </summary>
public sealed class EventPublisher(
    ITenantStore tenants,
    IStreamStore streams,
    IStreamCache streamCache,
    ISetStore sets,
    ISubjectOptOutStore optOuts,
    SigningKeyService keys,
    IDeliverySignals signals,
    ITransmitterUrls urls,
    TimeProvider timeProvider)
{
    // Below this many streams, signing in parallel costs more than it saves.
    private const int ParallelSigningThreshold = 32;

    /// <summary>Validates, fans out, signs and queues one event.</summary>
    public async Task<Result<PublishResult>> PublishAsync(string tenantId, JsonElement body, CancellationToken cancellationToken = default)
    {
        var parsed = PublishRequest.Parse(body);
        if (!parsed.IsSuccess)
        {
            return parsed.Error;
        }

        if (await tenants.GetTenantAsync(tenantId, cancellationToken) is null)
        {
            return OperationError.NotFound($"No tenant '{tenantId}'.");
        }

        var request = parsed.Value;
        var transaction = request.Transaction ?? Identifiers.New(timeProvider);
        var subject = request.Subject;

        // RISC 1.0 §2.8: an opted-out subject gets no further events; opt-in is announced whatever the state.
        var optOutChange = await OptOutChangeAsync(tenantId, request.EventType, subject, cancellationToken);
        if (request.EventType != SsfConstants.RiscEvents.OptIn && await SubjectOptOuts.IsOptedOutAsync(optOuts, tenantId, subject, cancellationToken))
        {
            // Nothing is announced, but a repeated opt-out is still recorded: it may name identifiers the first did not
            // (another alias), and those must be covered too.
            if (optOutChange is not null)
            {
                await sets.EnqueueAsync([], optOutChange, cancellationToken);
            }

            return new PublishResult(transaction, 0);
        }

        var targets = await FindTargetsAsync(tenantId, request.EventType, subject, cancellationToken);
        var signed = await SignAsync(tenantId, request, transaction, targets, cancellationToken);

        // The opt-out state changes in the transaction that queues the SETs announcing the change: a client that drops
        // or a store that fails can never leave an announced opt-out unrecorded. Once committed, nothing here uses the
        // request's token: the answer is all that is left.
        var queued = optOutChange is null
            ? await sets.EnqueueAsync(signed, cancellationToken)
            : await sets.EnqueueAsync(signed, optOutChange, cancellationToken);
        signals.Announce(queued);

        return new PublishResult(transaction, queued.Count);
    }

    /// <summary>
    /// The streams that get this event (SSF 1.0 §8.1.3.1): enabled or paused, the type in <c>events_delivered</c>, and
    /// the subject in the stream — added to it (found through the subject index, never by scanning the tenant's
    /// streams), or covered by <c>default_subjects</c> ALL and not removed.
    /// </summary>
    private async Task<IReadOnlyList<EventStream>> FindTargetsAsync(string tenantId, string eventType, SubjectIdentifier subject, CancellationToken cancellationToken)
    {
        var included = new HashSet<string>(StringComparer.Ordinal);
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in await streams.FindSubjectsAsync(tenantId, SubjectKeys.IndexKeys(subject), cancellationToken))
        {
            if (SubjectParser.Parse(row.SubjectJson) is { IsSuccess: true } added && SubjectMatcher.Matches(added.Value, subject))
            {
                (row.Included ? included : excluded).Add(row.StreamId);
            }
        }

        var allSubjects = await streams.ListAllSubjectStreamsAsync(tenantId, cancellationToken);
        included.ExceptWith(allSubjects.Select(stream => stream.StreamId));
        var explicitly = await streamCache.GetCachedStreamsAsync(tenantId, included, cancellationToken);

        return allSubjects.Where(stream => !excluded.Contains(stream.StreamId))
            .Concat(explicitly.Where(stream => !stream.IncludesAllSubjects))
            .Where(stream => stream.Status != StreamStatus.Disabled && stream.EventsDelivered.Contains(eventType, StringComparer.Ordinal))
            .ToArray();
    }

    private async Task<QueuedSet[]> SignAsync(
        string tenantId, PublishRequest request, string transaction, IReadOnlyList<EventStream> targets, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var issuer = urls.Issuer(tenantId);
        var signingKeys = new Dictionary<string, SigningKey>(StringComparer.Ordinal);
        foreach (var algorithm in targets.Select(stream => stream.SigningAlgorithm).Distinct(StringComparer.Ordinal))
        {
            signingKeys[algorithm] = await keys.GetSigningKeyAsync(tenantId, algorithm, cancellationToken);
        }

        var queued = new QueuedSet[targets.Count];
        void SignOne(int index)
        {
            var stream = targets[index];
            var claims = new SetClaims(
                issuer,
                stream.Audience,
                Identifiers.New(timeProvider),
                now.ToUnixTimeSeconds(),
                request.Subject.Json,
                request.EventType,
                request.PayloadJson,
                transaction,
                request.TimeOfEvent);
            queued[index] = new QueuedSet(tenantId, stream.StreamId, claims.Jti, claims.Sign(signingKeys[stream.SigningAlgorithm]), request.EventType, IsControl: false, now);
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
            Parallel.For(0, targets.Count, new ParallelOptions { CancellationToken = cancellationToken }, SignOne);
        }

        return queued;
    }

    /// <summary>
    /// The opt-out state change an event makes (RISC 1.0 §2.8): <c>opt-out-effective</c> records its subject;
    /// <c>opt-in</c> ends every opt-out of the tenant it answers (<see cref="OptOutMatcher.Lifts"/>), not only one
    /// recorded with a byte-identical subject. Other events change nothing.
    /// </summary>
    private async Task<SubjectOptOutChange?> OptOutChangeAsync(string tenantId, string eventType, SubjectIdentifier subject, CancellationToken cancellationToken) =>
        eventType switch
        {
            SsfConstants.RiscEvents.OptOutEffective => SubjectOptOuts.Record(tenantId, subject, timeProvider.GetUtcNow()),
            SsfConstants.RiscEvents.OptIn => new OptOutsLifted(tenantId, await SubjectOptOuts.FindLiftedAsync(optOuts, tenantId, subject, cancellationToken)),
            _ => null,
        };
}
