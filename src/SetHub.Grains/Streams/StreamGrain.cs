using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SetHub.Core.Delivery;
using SetHub.Core.Results;
using SetHub.Core.Security;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Core.Tenants;
using SetHub.Grains.Delivery;
using SetHub.Grains.Silos;

namespace SetHub.Grains.Streams;

/// <summary>
/// The stream grain (<see cref="IStreamGrain"/>). This file holds its identity, state and the management calls; the
/// other parts are its log (<c>StreamGrain.Log.cs</c>), push delivery (<c>.Push.cs</c>), polls (<c>.Poll.cs</c>) and
/// the timers and reminder that keep it moving (<c>.Upkeep.cs</c>). Every SSF rule comes from SetHub.Core.
/// Placed by a hash of its key, so a tenant's streams (and their push work) spread over the silos whichever node
/// created them or publishes to them.
/// </summary>
[Orleans.Placement.HashBasedPlacementAttribute]
internal sealed partial class StreamGrain : Grain, IStreamGrain, IRemindable
{
    private readonly IPersistentState<StreamState> _state;
    private readonly ISetLog _log;
    private readonly ISubjectStore _subjects;
    private readonly IPushDispatcher _dispatcher;
    private readonly ISigningKeySource _keys;
    private readonly ITransmitterUrls _urls;
    private readonly ISecretProtector _protector;
    private readonly ISiloAgentClient _agents;
    private readonly ILocalSiloDetails _silo;
    private readonly DeliveryOptions _delivery;
    private readonly PollOptions _polling;
    private readonly StreamOptions _streams;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger<StreamGrain> _logger;

    // Interleaving calls (polls) may record activity while a management call writes the state: writes take turns.
    private readonly AsyncGate _stateWrites = new();

    private StreamKey _key;
    private string? _authorizationHeader; // decrypted once per activation

    public StreamGrain(
        [PersistentState("stream", GrainStorageNames.Streams)] IPersistentState<StreamState> state,
        ISetLog log,
        ISubjectStore subjects,
        IPushDispatcher dispatcher,
        ISigningKeySource keys,
        ITransmitterUrls urls,
        ISecretProtector protector,
        ISiloAgentClient agents,
        ILocalSiloDetails silo,
        IOptions<DeliveryOptions> delivery,
        IOptions<PollOptions> polling,
        IOptions<StreamOptions> streams,
        TimeProvider time,
        Random random,
        ILogger<StreamGrain> logger)
    {
        _state = state;
        _log = log;
        _subjects = subjects;
        _dispatcher = dispatcher;
        _keys = keys;
        _urls = urls;
        _protector = protector;
        _agents = agents;
        _silo = silo;
        _delivery = delivery.Value;
        _polling = polling.Value;
        _streams = streams.Value;
        _time = time;
        _random = random;
        _logger = logger;
        _window = new StreamWindow(_delivery.StreamWindow);
    }

    private StreamData? Config => _state.State.Config;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = StreamKey.Parse(this.GetPrimaryKeyString());
        if (Config is not null && _state.State.ProtectedAuthorizationHeader is { } protectedHeader)
        {
            _authorizationHeader = System.Text.Encoding.UTF8.GetString(_protector.Unprotect(protectedHeader, HeaderPurpose(_key)));
        }

        _lastActivity = _state.State.LastActivityAt;
        if (Config is not null)
        {
            ScheduleUpkeep();
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Long polls waiting here must find the stream's next activation rather than wait out their timeout.
        NotifyWaiters(StreamSignal.Moved);
        _upkeepTimer?.Dispose();
        return Task.CompletedTask;
    }

    public async Task<Outcome<StreamData>> Create(StreamData stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (Config is not null)
        {
            return Outcome<StreamData>.Failed(OperationError.Conflict($"Stream '{_key.StreamId}' already exists."));
        }

        await WriteConfigAsync(stream with { AuthorizationHeader = null }, stream.AuthorizationHeader);

        // The reminder is the stream's durable wake-up from now until it is deleted.
        await this.RegisterOrUpdateReminder(ReminderName, _streams.ReminderPeriod, _streams.ReminderPeriod);

        // SSF 1.0 §8.1.4: the transmitter MAY verify at any time. One verification right after creation, without
        // state, lets the receiver confirm the stream end to end; it does not count against the receiver's own
        // min_verification_interval. Its push waits a moment, so the create's answer reaches the receiver first.
        await EnsureLogAsync(); // the claim loads the stored push state: the hold goes on top of it
        _nextAttemptAt = _time.GetUtcNow() + NewStreamDelivery.FirstPushDelay;
        await AppendControlAsync(await SignVerificationAsync(state: null));
        return Outcome<StreamData>.Success(View());
    }

    public Task<Outcome<StreamData>> Get(string? receiverId) =>
        Task.FromResult(FindOwned(receiverId) is { } failure ? Outcome<StreamData>.Failed(failure) : Outcome<StreamData>.Success(View()));

    public async Task<Outcome<StreamData>> Configure(string receiverId, string body, StreamOperation operation, TenantContext tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (FindOwned(receiverId) is { } failure)
        {
            return Outcome<StreamData>.Failed(failure);
        }

        using var document = System.Text.Json.JsonDocument.Parse(body);
        var request = StreamRequest.Parse(document.RootElement, operation);
        if (!request.IsSuccess)
        {
            return Outcome<StreamData>.Failed(request.Error);
        }

        var current = Current();
        var changed = StreamRules.Apply(current, request.Value, operation, ContextFor(tenant), _time.GetUtcNow());
        if (!changed.IsSuccess)
        {
            return Outcome<StreamData>.Failed(changed.Error);
        }

        return Outcome<StreamData>.Success(await ChangeAsync(changed.Value, announcement: null));
    }

    public async Task<Outcome<StreamData>> SetStatus(string? receiverId, StreamStatus status, string? reason, bool announce)
    {
        if (FindOwned(receiverId) is { } failure)
        {
            return Outcome<StreamData>.Failed(failure);
        }

        var current = Current();
        if (current.Status == status && current.StatusReason == reason)
        {
            return Outcome<StreamData>.Success(View()); // nothing changes, so there is nothing to announce
        }

        // SSF 1.0 §8.1.5, R118: a change the transmitter makes is announced with a stream-updated SET, queued before the
        // change takes effect, so it leaves even when the stream stops.
        var announcement = announce && current.Status != status ? await SignStreamUpdatedAsync(status, reason) : null;
        var next = current with { Status = status, StatusReason = reason, UpdatedAt = _time.GetUtcNow() };
        return Outcome<StreamData>.Success(await ChangeAsync(next, announcement));
    }

    public async Task<Outcome<StreamData>> RecomputeEventsDelivered(string[] eventsSupported)
    {
        if (Config is not { } config)
        {
            return Outcome<StreamData>.Failed(NoSuchStream());
        }

        // R93: events_delivered = events_requested ∩ events_supported, whenever either changes.
        var delivered = StreamRules.EventsDelivered(config.EventsRequested, eventsSupported);
        if (delivered.SequenceEqual(config.EventsDelivered, StringComparer.Ordinal))
        {
            return Outcome<StreamData>.Success(View());
        }

        return Outcome<StreamData>.Success(await ChangeAsync(Current() with { EventsDelivered = delivered, UpdatedAt = _time.GetUtcNow() }, announcement: null));
    }

    public async Task<Outcome<StreamData>> Delete(string? receiverId)
    {
        if (FindOwned(receiverId) is { } failure)
        {
            return Outcome<StreamData>.Failed(failure);
        }

        var deleted = View();

        // Waiting long polls end now (404), not at their timeout. Then the SETs, the subjects, the wake-up and last the
        // state: a crash half-way leaves a stream that still exists, and the delete can simply be repeated.
        NotifyWaiters(StreamSignal.Deleted);
        await _log.DeleteAsync(_key);
        _fenced = true; // this activation no longer owns a log
        await _subjects.DeleteStreamSubjectsAsync(_key.TenantId, _key.StreamId);
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        using (await _stateWrites.EnterAsync())
        {
            await _state.ClearStateAsync();
        }

        _upkeepTimer?.Dispose();
        DeactivateOnIdle();
        return Outcome<StreamData>.Success(deleted);
    }

    public async Task<Outcome<StreamOverview>> GetOverview()
    {
        if (Config is not { } config)
        {
            return Outcome<StreamOverview>.Failed(NoSuchStream());
        }

        // Outcomes still being recorded would make the stored counts lag what already happened.
        await FlushWritesAsync();
        var counts = await _log.CountAsync(_key);
        var held = config.Status == StreamStatus.Paused ? counts.Queued - counts.QueuedControl : 0;
        var lastSuccess = counts.LastDoneAt > _lastSuccessAt || _lastSuccessAt is null ? counts.LastDoneAt : _lastSuccessAt; // the later
        var backoff = IsPushStream && _failures > 0; // a new stream's first-push delay or a tenant hold is no retry
        var delivery = new DeliveryState(lastSuccess, _failures, backoff ? _nextAttemptAt : null, backoff ? _lastError : null);
        return Outcome<StreamOverview>.Success(new StreamOverview(View(), counts.Queued, held, counts.DeadLettered, delivery));
    }

    public async Task<Outcome<SetProgressAnswer>> GetProgress(long[] positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (Config is not { } config)
        {
            return Outcome<SetProgressAnswer>.Failed(NoSuchStream());
        }

        await EnsureLogAsync();
        var now = _time.GetUtcNow();
        var head = IsPushStream ? _window.Sets.FirstOrDefault(set => set.IsDurable && !IsHeld(config, set))?.Position : null;
        var progress = new List<SetProgress>(positions.Length);
        foreach (var position in positions)
        {
            if (_window.Find(position) is not { } set)
            {
                continue;
            }

            progress.Add(IsPushStream
                ? new SetProgress(position, _pushInFlight == position, set.Attempts, set.LastError, position == head ? _nextAttemptAt : null)
                : new SetProgress(position, set.InFlightUntil > now, set.Attempts, set.LastError, set.InFlightUntil > now ? set.InFlightUntil : null));
        }

        return Outcome<SetProgressAnswer>.Success(new SetProgressAnswer(IsPushStream ? "push" : "poll", [.. progress]));
    }

    public async Task<Outcome<DeadLetterData[]>> ListDeadLetters(int limit)
    {
        if (Config is null)
        {
            return Outcome<DeadLetterData[]>.Failed(NoSuchStream());
        }

        await FlushWritesAsync();
        var letters = await _log.ListDeadLettersAsync(_key, limit);
        return Outcome<DeadLetterData[]>.Success(
            [.. letters.Select(letter => new DeadLetterData(letter.Jti, letter.EventType, letter.CreatedAt, letter.QueuedAt, letter.Attempts, letter.LastError))]);
    }

    // The stream as Core's rules see it, with its secret.
    private EventStream Current() => (Config! with { AuthorizationHeader = _authorizationHeader }).ToEventStream();

    // The stream as callers see it: the secret redacted.
    private StreamData View() => (Config! with { AuthorizationHeader = _authorizationHeader }).Redacted();

    private StreamContext ContextFor(TenantContext tenant) => new(
        _urls.Issuer(_key.TenantId),
        tenant.EventsSupported,
        streamId => _urls.PollEndpoint(_key.TenantId, streamId),
        tenant.InactivityTimeout,
        tenant.MinVerificationInterval);

    // Only the receiver that owns the stream sees it (R108); the operator (no receiver) sees any. A receiver's call
    // referencing the stream is activity (SSF 1.0 §8.1.1).
    private Failure? FindOwned(string? receiverId)
    {
        if (Config is not { } config || (receiverId is not null && config.ReceiverId != receiverId))
        {
            return NoSuchStream();
        }

        if (receiverId is not null)
        {
            RecordActivity();
        }

        return null;
    }

    private Failure NoSuchStream() => Failure.NotFound($"No stream '{_key.StreamId}'.");

    /// <summary>
    /// Writes a changed configuration and makes the log follow it, as one step of this turn: a disabled stream drops
    /// its queued events (SSF 1.0 §8.1.2.1), a stream whose delivery changed ends its backoff (the receiver may have
    /// fixed what failed), and a re-enabled stream releases what it held.
    /// </summary>
    private async Task<StreamData> ChangeAsync(EventStream next, SetToAppend? announcement)
    {
        var before = Config!;
        var headerBefore = _authorizationHeader;
        if (announcement is not null)
        {
            await AppendControlAsync(announcement);
        }

        var data = StreamData.From(next) with { Version = before.Version + 1, AuthorizationHeader = null };
        await WriteConfigAsync(data, next.Delivery.AuthorizationHeader);
        await FollowConfigurationAsync(before, headerBefore, data);
        ScheduleUpkeep();
        return View();
    }

    private async Task WriteConfigAsync(StreamData config, string? authorizationHeader)
    {
        using (await _stateWrites.EnterAsync())
        {
            _state.State.Config = config;
            _state.State.ProtectedAuthorizationHeader = authorizationHeader is null
                ? null
                : _protector.Protect(System.Text.Encoding.UTF8.GetBytes(authorizationHeader), HeaderPurpose(_key));
            await _state.WriteStateAsync();
            _authorizationHeader = authorizationHeader;
        }
    }

    private static string HeaderPurpose(StreamKey key) => $"authorization-header:{key.TenantId}:{key.StreamId}";

    private string SiloOwner => _silo.SiloAddress.ToParsableString();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Stream}: another activation claimed its log; this one deactivates.")]
    private static partial void LogFenced(ILogger logger, StreamKey stream);
}
