using System.Text.Json;
using Microsoft.Extensions.Options;
using SetHub.Core.Delivery;
using SetHub.Core.Json;
using SetHub.Core.Events;
using SetHub.Core.Results;
using SetHub.Core.Security;
using SetHub.Core.Storage;
using SetHub.Core.Subjects;
using SetHub.Core.Tenants;

namespace SetHub.Core.Streams;

/// <summary>
/// The SSF 1.0 §8 Stream Management API for one receiver: configuration, status, subjects and verification.
/// The caller is already authenticated as a receiver of the tenant; every lookup is scoped to its own streams, so
/// another receiver's stream is "not found" (R108).
/// </summary>
public sealed class StreamService(
    ITenantStore tenants,
    IReceiverStore receivers,
    IStreamStore streams,
    ISubjectOptOutStore optOuts,
    SetIssuer issuer,
    IDeliverySignals signals,
    IPushEndpointPolicy endpointPolicy,
    ITransmitterUrls urls,
    IOptions<StreamOptions> options,
    TimeProvider timeProvider)
{
    /// <summary>The longest status reason or verification state accepted.</summary>
    public const int MaxReasonLength = 1024;

    /// <summary>The longest verification <c>state</c> accepted.</summary>
    public const int MaxStateLength = 4096;

    private const int MaxConcurrentUpdateAttempts = 5;

    /// <summary>Creates a stream (SSF 1.0 §8.1.1.1). Every receiver may own several streams (R100).</summary>
    public async Task<Result<EventStream>> CreateAsync(Caller caller, JsonElement body, CancellationToken cancellationToken = default)
    {
        var request = StreamRequest.Parse(body, StreamOperation.Create);
        if (!request.IsSuccess)
        {
            return request.Error;
        }

        var (tenant, receiver) = await LoadCallerAsync(caller, cancellationToken);
        if (tenant is null || receiver is null)
        {
            return OperationError.Forbidden("The receiver no longer exists.");
        }

        var streamId = Identifiers.New(timeProvider);
        var created = StreamRules.Create(request.Value, ContextFor(tenant), receiver, streamId, tenant.DefaultSubjects, timeProvider.GetUtcNow());
        if (!created.IsSuccess)
        {
            return created;
        }

        if (created.Value.Delivery.IsPush && await endpointPolicy.CheckAsync(created.Value.Delivery.EndpointUrl, cancellationToken) is { } refused)
        {
            return refused;
        }

        // SSF 1.0 §8.1.4: the transmitter MAY verify at any time. One verification right after creation, without
        // state, lets the receiver confirm the stream end to end; it is queued with the stream, and does not count
        // against the receiver's own min_verification_interval budget.
        var verification = await issuer.SignVerificationAsync(created.Value, state: null, cancellationToken);
        await streams.CreateStreamAsync(created.Value, [verification], cancellationToken);
        signals.Announce(created.Value);
        return created;
    }

    /// <summary>Reads one of the caller's streams (SSF 1.0 §8.1.1.2).</summary>
    public Task<Result<EventStream>> GetAsync(Caller caller, string streamId, CancellationToken cancellationToken = default) =>
        FindOwnedAsync(caller, streamId, cancellationToken);

    /// <summary>Lists the caller's streams (SSF 1.0 §8.1.1.2): always a list, empty when there are none.</summary>
    public Task<IReadOnlyList<EventStream>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return streams.ListStreamsAsync(caller.TenantId!, caller.ReceiverId!, cancellationToken);
    }

    /// <summary>Updates (PATCH) or replaces (PUT) a stream's configuration (SSF 1.0 §8.1.1.3–§8.1.1.4).</summary>
    public async Task<Result<EventStream>> UpdateAsync(
        Caller caller,
        JsonElement body,
        StreamOperation operation,
        CancellationToken cancellationToken = default)
    {
        var request = StreamRequest.Parse(body, operation);
        if (!request.IsSuccess)
        {
            return request.Error;
        }

        var checkedEndpoint = (string?)null;
        return await ChangeAsync(
            caller,
            request.Value.StreamId!,
            async current =>
            {
                // The tenant is read after the stream, on every attempt: a change to its events_supported recomputes
                // its streams' events_delivered and bumps their versions (R93), so an update computed from the old
                // list fails its version check and is computed again from the new one.
                if (await tenants.GetTenantAsync(caller.TenantId!, cancellationToken) is not { } tenant)
                {
                    return OperationError.Forbidden("The tenant no longer exists.");
                }

                var changed = StreamRules.Apply(current, request.Value, operation, ContextFor(tenant), timeProvider.GetUtcNow());
                if (changed.IsSuccess && changed.Value.Delivery.IsPush &&
                    changed.Value.Delivery.EndpointUrl != current.Delivery.EndpointUrl && changed.Value.Delivery.EndpointUrl != checkedEndpoint)
                {
                    if (await endpointPolicy.CheckAsync(changed.Value.Delivery.EndpointUrl, cancellationToken) is { } refused)
                    {
                        return refused;
                    }

                    checkedEndpoint = changed.Value.Delivery.EndpointUrl;
                }

                return changed;
            },
            cancellationToken);
    }

    /// <summary>Deletes a stream with its subjects and queued SETs (SSF 1.0 §8.1.1.5).</summary>
    public async Task<OperationError?> DeleteAsync(Caller caller, string streamId, CancellationToken cancellationToken = default)
    {
        var stream = await FindOwnedAsync(caller, streamId, cancellationToken);
        if (!stream.IsSuccess)
        {
            return stream.Error;
        }

        return await streams.DeleteStreamAsync(stream.Value.TenantId, stream.Value.StreamId, cancellationToken)
            ? null
            : NoSuchStream(streamId);
    }

    /// <summary>Reads a stream's status (SSF 1.0 §8.1.2.1).</summary>
    public Task<Result<EventStream>> GetStatusAsync(Caller caller, string streamId, CancellationToken cancellationToken = default) =>
        FindOwnedAsync(caller, streamId, cancellationToken);

    /// <summary>
    /// Sets a stream's status (SSF 1.0 §8.1.2.2): <c>{"stream_id", "status", "reason"?}</c>. The stream id may also
    /// come in the query (as the OIDF suite sends it); if both are given they must agree. Disabling drops the
    /// held events, because a disabled stream holds nothing (§8.1.2.1).
    /// </summary>
    public async Task<Result<EventStream>> UpdateStatusAsync(
        Caller caller,
        JsonElement body,
        string? queryStreamId,
        CancellationToken cancellationToken = default)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return OperationError.Invalid("The request body must be a JSON object.");
        }

        var streamId = ReadStreamId(body, queryStreamId);
        if (!streamId.IsSuccess)
        {
            return streamId.Error;
        }

        if (!body.TryGetProperty("status", out var statusElement) ||
            statusElement.ValueKind != JsonValueKind.String ||
            !StreamStatusNames.TryParse(statusElement.GetString(), out var status))
        {
            return OperationError.Invalid("'status' is required and must be \"enabled\", \"paused\" or \"disabled\" (SSF 1.0 §8.1.2.1).");
        }

        var reason = JsonBody.OptionalString(body, "reason", MaxReasonLength);
        if (!reason.IsSuccess)
        {
            return reason.Error;
        }

        return await ChangeAsync(
            caller,
            streamId.Value,
            current => Task.FromResult<Result<EventStream>>(current with { Status = status, StatusReason = reason.Value, UpdatedAt = timeProvider.GetUtcNow() }),
            cancellationToken);
    }

    /// <summary>
    /// Adds a subject to a stream (SSF 1.0 §8.1.3.2): <c>{"stream_id", "subject", "verified"?}</c>. On a stream
    /// whose tenant default is ALL, adding re-includes a subject the receiver removed (§7.1).
    /// </summary>
    public async Task<OperationError?> AddSubjectAsync(Caller caller, JsonElement body, CancellationToken cancellationToken = default)
    {
        var request = ParseSubjectRequest(body, allowVerified: true);
        if (!request.IsSuccess)
        {
            return request.Error;
        }

        var (streamId, subject, verified) = request.Value;
        var stream = await FindOwnedAsync(caller, streamId, cancellationToken);
        if (!stream.IsSuccess)
        {
            return stream.Error;
        }

        if (IsStreamOwnSubject(stream.Value, subject))
        {
            return null; // always implicitly in the stream (SSF 1.0 §8.1.4.1)
        }

        // SSF 1.0 §9.1, §8.1.3.2: a subject that names an opted-out principal (the rule that suppresses its events,
        // OptOutMatcher) is silently ignored, and the answer says nothing about it.
        if (await SubjectOptOuts.IsOptedOutAsync(optOuts, stream.Value.TenantId, subject, cancellationToken))
        {
            return null;
        }

        if (stream.Value.IncludesAllSubjects)
        {
            await streams.DeleteSubjectAsync(stream.Value.TenantId, stream.Value.StreamId, SubjectKeys.Key(subject), cancellationToken);
        }
        else
        {
            await streams.PutSubjectAsync(ToRow(stream.Value, subject, included: true, verified), cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// Removes a subject from a stream (SSF 1.0 §8.1.3.3): <c>{"stream_id", "subject"}</c>. Removing a subject that
    /// was never added succeeds too, so the endpoint reveals nothing about which subjects exist (§9.1).
    /// </summary>
    public async Task<OperationError?> RemoveSubjectAsync(Caller caller, JsonElement body, CancellationToken cancellationToken = default)
    {
        var request = ParseSubjectRequest(body, allowVerified: false);
        if (!request.IsSuccess)
        {
            return request.Error;
        }

        var (streamId, subject, _) = request.Value;
        var stream = await FindOwnedAsync(caller, streamId, cancellationToken);
        if (!stream.IsSuccess)
        {
            return stream.Error;
        }

        if (IsStreamOwnSubject(stream.Value, subject))
        {
            return OperationError.Invalid("A stream's own subject is always in the stream and cannot be removed (SSF 1.0 §8.1.4.1).");
        }

        if (stream.Value.IncludesAllSubjects)
        {
            await streams.PutSubjectAsync(ToRow(stream.Value, subject, included: false, verified: true), cancellationToken);
        }
        else
        {
            await streams.DeleteSubjectAsync(stream.Value.TenantId, stream.Value.StreamId, SubjectKeys.Key(subject), cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// Queues a verification SET (SSF 1.0 §8.1.4.2): <c>{"stream_id", "state"?}</c>. The SET is committed before
    /// this returns, so a poll right after the 204 finds it.
    /// </summary>
    public async Task<OperationError?> RequestVerificationAsync(Caller caller, JsonElement body, CancellationToken cancellationToken = default)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return OperationError.Invalid("The request body must be a JSON object.");
        }

        var streamId = ReadStreamId(body, queryStreamId: null);
        if (!streamId.IsSuccess)
        {
            return streamId.Error;
        }

        var state = JsonBody.OptionalString(body, "state", MaxStateLength);
        if (!state.IsSuccess)
        {
            return state.Error;
        }

        var stream = await FindOwnedAsync(caller, streamId.Value, cancellationToken);
        if (!stream.IsSuccess)
        {
            return stream.Error;
        }

        // SSF 1.0 §8.1.1 min_verification_interval (R121): requests closer together get 429, with Retry-After saying
        // when the next one will be accepted; requests that respect it never do. The SET is signed first and queued
        // with the reservation, so a request that fails half-way uses up no interval.
        var verification = await issuer.SignVerificationAsync(stream.Value, state.Value, cancellationToken);
        var now = timeProvider.GetUtcNow();
        if (await streams.QueueVerificationAsync(verification, now, stream.Value.MinVerificationInterval, cancellationToken) is { } allowedAt)
        {
            return OperationError.TooManyRequests(
                $"Verification requests for this stream must be at least {(int)stream.Value.MinVerificationInterval!.Value.TotalSeconds} seconds apart (min_verification_interval).") with
            {
                RetryAfter = allowedAt > now ? allowedAt - now : TimeSpan.Zero,
            };
        }

        signals.Announce(stream.Value);
        return null;
    }

    /// <summary>The stream context of a tenant, for rendering its stream configurations.</summary>
    public async Task<StreamContext> GetContextAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var tenant = await tenants.GetTenantAsync(tenantId, cancellationToken)
            ?? throw new InvalidOperationException($"Tenant '{tenantId}' vanished while serving a request.");
        return ContextFor(tenant);
    }

    /// <summary>The facts about a tenant that the stream rules need.</summary>
    public StreamContext ContextFor(Tenant tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var tenantId = tenant.TenantId;
        var defaults = options.Value;
        return new StreamContext(
            urls.Issuer(tenantId),
            tenant.EffectiveEventsSupported,
            streamId => urls.PollEndpoint(tenantId, streamId),
            Positive(tenant.InactivityTimeout ?? defaults.InactivityTimeout),
            Positive(tenant.MinVerificationInterval ?? defaults.MinVerificationInterval));

        static TimeSpan? Positive(TimeSpan? value) => value > TimeSpan.Zero ? value : null;
    }

    private async Task<Result<EventStream>> ChangeAsync(
        Caller caller,
        string streamId,
        Func<EventStream, Task<Result<EventStream>>> change,
        CancellationToken cancellationToken)
    {
        // Optimistic concurrency: re-read and re-apply when another request changed the stream in between.
        for (var attempt = 0; attempt < MaxConcurrentUpdateAttempts; attempt++)
        {
            var current = await FindOwnedAsync(caller, streamId, cancellationToken);
            if (!current.IsSuccess)
            {
                return current;
            }

            var changed = await change(current.Value);
            if (!changed.IsSuccess)
            {
                return changed;
            }

            var next = changed.Value with { Version = current.Value.Version + 1 };
            if (await streams.UpdateStreamAsync(next, current.Value.Version, controlSets: null, cancellationToken))
            {
                // Re-enabling or switching method may have released SETs: wake whoever delivers them.
                signals.Announce(next);
                return next;
            }
        }

        return OperationError.Conflict("The stream is being changed by other requests; try again.");
    }

    private async Task<Result<EventStream>> FindOwnedAsync(Caller caller, string streamId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var stream = await streams.GetStreamAsync(caller.TenantId!, streamId, cancellationToken);
        if (stream is null || stream.ReceiverId != caller.ReceiverId)
        {
            return NoSuchStream(streamId);
        }

        // SSF 1.0 §8.1.1: any management call that references the stream is receiver activity.
        await StreamActivity.RecordAsync(streams, stream, timeProvider.GetUtcNow(), cancellationToken);
        return stream;
    }

    private async Task<(Tenant? Tenant, Receiver? Receiver)> LoadCallerAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var tenant = await tenants.GetTenantAsync(caller.TenantId!, cancellationToken);
        var receiver = await receivers.GetReceiverAsync(caller.TenantId!, caller.ReceiverId!, cancellationToken);
        return (tenant, receiver);
    }

    private static OperationError NoSuchStream(string streamId) =>
        OperationError.NotFound($"No stream '{streamId}' for this receiver.");

    private static Result<string> ReadStreamId(JsonElement body, string? queryStreamId)
    {
        string? bodyStreamId = null;
        if (body.TryGetProperty("stream_id", out var value))
        {
            if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
            {
                return OperationError.Invalid("'stream_id' must be a non-empty string.");
            }

            bodyStreamId = value.GetString();
        }

        if (bodyStreamId is not null && queryStreamId is not null && bodyStreamId != queryStreamId)
        {
            return OperationError.Invalid("The 'stream_id' in the query and in the body differ.");
        }

        var streamId = bodyStreamId ?? queryStreamId;
        return string.IsNullOrEmpty(streamId)
            ? OperationError.Invalid("'stream_id' is required.")
            : streamId;
    }

    private static Result<(string StreamId, SubjectIdentifier Subject, bool Verified)> ParseSubjectRequest(JsonElement body, bool allowVerified)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return OperationError.Invalid("The request body must be a JSON object.");
        }

        var streamId = ReadStreamId(body, queryStreamId: null);
        if (!streamId.IsSuccess)
        {
            return streamId.Error;
        }

        if (!body.TryGetProperty("subject", out var subjectElement))
        {
            return OperationError.Invalid("'subject' is required (SSF 1.0 §8.1.3.2).");
        }

        var subject = SubjectParser.Parse(subjectElement);
        if (!subject.IsSuccess)
        {
            return subject.Error;
        }

        var verified = true; // SSF 1.0 §8.1.3.2: when omitted, assume verified
        if (allowVerified && body.TryGetProperty("verified", out var verifiedElement))
        {
            if (verifiedElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return OperationError.Invalid("'verified' must be a boolean.");
            }

            verified = verifiedElement.GetBoolean();
        }

        return (streamId.Value, subject.Value, verified);
    }

    private static bool IsStreamOwnSubject(EventStream stream, SubjectIdentifier subject) =>
        subject.Format == SsfConstants.SubjectFormats.Opaque &&
        subject.Equals(SubjectParser.Parse(SetIssuer.StreamSubjectJson(stream.StreamId)).Value);

    private StreamSubject ToRow(EventStream stream, SubjectIdentifier subject, bool included, bool verified) => new(
        stream.TenantId,
        stream.StreamId,
        SubjectKeys.Key(subject),
        subject.CanonicalJson,
        included,
        verified,
        SubjectKeys.IndexKeys(subject),
        timeProvider.GetUtcNow());
}
