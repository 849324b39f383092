using System.Text.Json;
using SetHub.Core.Results;
using SetHub.Core.Security;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Core.Tenants;
using SetHub.Grains.Streams;

namespace SetHub.Grains.Tenants;

/// <summary>
/// Stream management through the tenant, so its directory follows every stream. A row is written as a superset before
/// the stream changes (every event type the tenant supports, enabled if either state is) and exactly after, so a crash
/// in between can only make fan-out sign a SET the stream then refuses (and <see cref="SyncStream"/> repairs the row),
/// never miss one it wants. Calls on one stream take turns; calls on different streams interleave.
/// </summary>
internal sealed partial class TenantGrain
{
    private readonly Dictionary<string, AsyncGate> _streamTurns = new(StringComparer.Ordinal);

    public async Task<Outcome<StreamData>> CreateStream(string receiverId, string body)
    {
        if (Tenant is not { } tenantData)
        {
            return Outcome<StreamData>.Failed(NoSuchTenant());
        }

        if (!_receivers.TryGetValue(receiverId, out var receiver) || receiver.Revoked)
        {
            return Outcome<StreamData>.Failed(OperationError.Forbidden("The receiver no longer exists."));
        }

        using var document = JsonDocument.Parse(body);
        var request = StreamRequest.Parse(document.RootElement, StreamOperation.Create);
        if (!request.IsSuccess)
        {
            return Outcome<StreamData>.Failed(request.Error);
        }

        var tenant = tenantData.ToTenant();
        var streamId = Identifiers.New(time);
        var created = StreamRules.Create(
            request.Value,
            ContextFor(tenant),
            new Receiver(_tenantId, receiver.ReceiverId, receiver.Name, receiver.Audience, receiver.SigningAlgorithm, receiver.CreatedAt),
            streamId,
            tenant.DefaultSubjects,
            time.GetUtcNow());
        if (!created.IsSuccess)
        {
            return Outcome<StreamData>.Failed(created.Error);
        }

        var data = StreamData.From(created.Value);
        var row = ToRow(data);
        await directory.PutStreamAsync(row);
        _streams[streamId] = row;
        var outcome = await StreamGrain(streamId).Create(data);
        if (!outcome.IsSuccess)
        {
            await directory.DeleteStreamAsync(_tenantId, streamId);
            _streams.Remove(streamId);
            return outcome;
        }

        await ChangedAsync(TenantParts.Directory);
        return outcome;
    }

    public async Task<Outcome<StreamData>> ConfigureStream(string receiverId, string streamId, string body, StreamOperation operation)
    {
        if (Tenant is not { } tenantData)
        {
            return Outcome<StreamData>.Failed(NoSuchTenant());
        }

        using var turn = await TurnAsync(streamId);
        var tenant = tenantData.ToTenant();
        return await ChangeStreamAsync(streamId, row => row with { EventsDelivered = [.. row.EventsDelivered.Union(tenant.EffectiveEventsSupported, StringComparer.Ordinal)] },
            grain => grain.Configure(receiverId, body, operation, ContextDataFor(tenant)));
    }

    public async Task<Outcome<StreamData>> SetStreamStatus(string? receiverId, string streamId, StreamStatus status, string? reason)
    {
        if (Tenant is null)
        {
            return Outcome<StreamData>.Failed(NoSuchTenant());
        }

        using var turn = await TurnAsync(streamId);
        return await ChangeStreamAsync(streamId, row => status == StreamStatus.Disabled ? row : row with { Disabled = false },
            grain => grain.SetStatus(receiverId, status, reason, announce: receiverId is null));
    }

    public async Task<Failure?> DeleteStream(string? receiverId, string streamId)
    {
        using var turn = await TurnAsync(streamId);
        var outcome = await StreamGrain(streamId).Delete(receiverId);
        if (!outcome.IsSuccess)
        {
            return outcome.Error;
        }

        await ForgetRowAsync(streamId);
        return null;
    }

    public Task<string[]> ListStreams(string? receiverId) =>
        Task.FromResult<string[]>([.. _streams.Values
            .Where(row => receiverId is null || row.ReceiverId == receiverId)
            .OrderBy(row => row.CreatedAt)
            .ThenBy(row => row.StreamId, StringComparer.Ordinal)
            .Select(row => row.StreamId)]);

    public async Task SyncStream(string streamId)
    {
        if (!_streams.ContainsKey(streamId))
        {
            return;
        }

        using var turn = await TurnAsync(streamId);
        var stream = await StreamGrain(streamId).Get(receiverId: null);
        if (!stream.IsSuccess)
        {
            await ForgetRowAsync(streamId);
        }
        else if (_streams.TryGetValue(streamId, out var row) && ToRow(stream.Value!) is var exact && !SameRow(row, exact))
        {
            await directory.PutStreamAsync(exact);
            _streams[streamId] = exact;
            await ChangedAsync(TenantParts.Directory);
        }
    }

    /// <summary>Changes one stream: superset row, the stream's change, exact row.</summary>
    private async Task<Outcome<StreamData>> ChangeStreamAsync(
        string streamId, Func<StreamRow, StreamRow> superset, Func<IStreamGrain, Task<Outcome<StreamData>>> change)
    {
        var before = _streams.GetValueOrDefault(streamId);
        if (before is not null && superset(before) is var wider && !SameRow(before, wider))
        {
            await directory.PutStreamAsync(wider);
            _streams[streamId] = wider;
        }

        var outcome = await change(StreamGrain(streamId));
        var exact = outcome.IsSuccess ? ToRow(outcome.Value!) : before;
        if (exact is not null && _streams.GetValueOrDefault(streamId) is { } current && !SameRow(current, exact))
        {
            await directory.PutStreamAsync(exact);
            _streams[streamId] = exact;
        }

        if (outcome.IsSuccess && before is not null && !SameRow(before, exact!))
        {
            await ChangedAsync(TenantParts.Directory);
        }

        return outcome;
    }

    private async Task ForgetRowAsync(string streamId)
    {
        if (_streams.Remove(streamId))
        {
            await directory.DeleteStreamAsync(_tenantId, streamId);
            await ChangedAsync(TenantParts.Directory);
        }
    }

    /// <summary>Deletes a revoked receiver's streams, then the receiver itself.</summary>
    private async Task FinishRevocationAsync(ReceiverRow receiver)
    {
        foreach (var streamId in _streams.Values.Where(row => row.ReceiverId == receiver.ReceiverId).Select(row => row.StreamId).ToArray())
        {
            using var turn = await TurnAsync(streamId);
            await StreamGrain(streamId).Delete(receiverId: null);
            await ForgetRowAsync(streamId);
        }

        await directory.DeleteReceiverAsync(_tenantId, receiver.ReceiverId);
        _receivers.Remove(receiver.ReceiverId);
    }

    /// <summary>R93: every stream's <c>events_delivered</c> follows the tenant's <c>events_supported</c>.</summary>
    private async Task RecomputeEventsDeliveredAsync()
    {
        var supported = Tenant!.ToTenant().EffectiveEventsSupported.ToArray();
        foreach (var streamId in _streams.Keys.ToArray())
        {
            using var turn = await TurnAsync(streamId);
            await ChangeStreamAsync(streamId, row => row with { EventsDelivered = [.. row.EventsDelivered.Union(supported, StringComparer.Ordinal)] },
                grain => grain.RecomputeEventsDelivered(supported));
        }

        state.State.RecomputePending = false;
        await state.WriteStateAsync();
    }

    private IStreamGrain StreamGrain(string streamId) => streamGrains.For(new StreamKey(_tenantId, streamId));

    private StreamContext ContextFor(Core.Tenants.Tenant tenant)
    {
        var defaults = streamOptions.Value;
        var tenantId = tenant.TenantId;
        return new StreamContext(
            urls.Issuer(tenantId),
            tenant.EffectiveEventsSupported,
            streamId => urls.PollEndpoint(tenantId, streamId),
            Positive(tenant.InactivityTimeout ?? defaults.InactivityTimeout),
            Positive(tenant.MinVerificationInterval ?? defaults.MinVerificationInterval));
    }

    private TenantContext ContextDataFor(Core.Tenants.Tenant tenant)
    {
        var context = ContextFor(tenant);
        return new TenantContext([.. context.EventsSupported], context.InactivityTimeout, context.MinVerificationInterval);
    }

    private static TimeSpan? Positive(TimeSpan? value) => value > TimeSpan.Zero ? value : null;

    private StreamRow ToRow(StreamData stream) => new(
        _tenantId,
        stream.StreamId,
        stream.ReceiverId,
        stream.Audience,
        stream.SigningAlgorithm,
        stream.IncludesAllSubjects,
        stream.Status == StreamStatus.Disabled,
        stream.EventsDelivered,
        stream.CreatedAt);

    private static bool SameRow(StreamRow a, StreamRow b) =>
        a.Disabled == b.Disabled && a.Audience == b.Audience && a.SigningAlgorithm == b.SigningAlgorithm &&
        a.IncludesAllSubjects == b.IncludesAllSubjects && a.EventsDelivered.SequenceEqual(b.EventsDelivered, StringComparer.Ordinal);

    // Calls on one stream take turns; a stream's gate is dropped once nobody holds or awaits it.
    private async Task<IDisposable> TurnAsync(string streamId)
    {
        if (!_streamTurns.TryGetValue(streamId, out var gate))
        {
            gate = new AsyncGate();
            _streamTurns[streamId] = gate;
        }

        var turn = await gate.EnterAsync();
        return new StreamTurn(this, streamId, gate, turn);
    }

    private sealed class StreamTurn(TenantGrain grain, string streamId, AsyncGate gate, IDisposable turn) : IDisposable
    {
        public void Dispose()
        {
            turn.Dispose();
            if (gate.IsIdle && grain._streamTurns.GetValueOrDefault(streamId) == gate)
            {
                grain._streamTurns.Remove(streamId);
            }
        }
    }
}
