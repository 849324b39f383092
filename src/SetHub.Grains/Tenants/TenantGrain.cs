using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SetHub.Core;
using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Core.Tenants;
using SetHub.Grains.Silos;
using SetHub.Grains.Streams;

namespace SetHub.Grains.Tenants;

/// <summary>
/// The tenant grain (<see cref="ITenantGrain"/>). This file holds its settings, keys, receivers and snapshot; the
/// stream management it routes is in <c>TenantGrain.Streams.cs</c>.
/// </summary>
[Orleans.Placement.HashBasedPlacementAttribute]
internal sealed partial class TenantGrain(
    [PersistentState("tenant", GrainStorageNames.Tenants)] IPersistentState<TenantState> state,
    ITenantDirectoryStore directory,
    ISubjectStore subjects,
    IIdempotencyStore idempotencyKeys,
    ISecretProtector protector,
    TenantBroadcast broadcast,
    StreamGrainReferences streamGrains,
    ITransmitterUrls urls,
    IOptions<StreamOptions> streamOptions,
    IOptions<SigningKeyOptions> keyOptions,
    TimeProvider time,
    ILogger<TenantGrain> logger) : Grain, ITenantGrain
{
    private readonly Dictionary<string, ReceiverRow> _receivers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StreamRow> _streams = new(StringComparer.Ordinal);
    private string _tenantId = string.Empty;
    private string _version = NewVersion();
    private string _directoryVersion = NewVersion();
    private TenantSnapshot? _snapshot;
    private TenantDirectory? _directorySnapshot;

    // A tenant being deleted is gone for every caller.
    private TenantData? Tenant => state.State.Deleting ? null : state.State.Tenant;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _tenantId = this.GetPrimaryKeyString();
        if (state.State.Tenant is null)
        {
            return;
        }

        var rows = await directory.LoadAsync(_tenantId, cancellationToken);
        foreach (var receiver in rows.Receivers)
        {
            _receivers[receiver.ReceiverId] = receiver;
        }

        foreach (var stream in rows.Streams)
        {
            _streams[stream.StreamId] = stream;
        }

        // Jobs a crash interrupted: a deletion, revocations half done, events_delivered half recomputed.
        if (state.State.Deleting || state.State.RecomputePending || _receivers.Values.Any(receiver => receiver.Revoked))
        {
            this.RegisterGrainTimer(ResumeJobsAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true });
        }
    }

    public async Task<Outcome<TenantPutResult>> Put(string? body)
    {
        if (state.State.Deleting)
        {
            return Outcome<TenantPutResult>.Failed(Core.Results.OperationError.Conflict(
                $"Tenant '{_tenantId}' is being deleted; create it again once the deletion is done.") with { RetryAfter = TimeSpan.FromSeconds(5) });
        }

        using var document = body is null ? null : JsonDocument.Parse(body);
        var changes = TenantChanges.Parse(document?.RootElement);
        if (!changes.IsSuccess)
        {
            return Outcome<TenantPutResult>.Failed(changes.Error);
        }

        var now = time.GetUtcNow();
        if (Tenant is not { } existing)
        {
            var created = changes.Value.ApplyTo(new Core.Tenants.Tenant(_tenantId, null, SsfConstants.DefaultSubjects.None, null, null, null, now, now));
            var token = BearerTokens.Generate(TokenKind.Tenant, _tenantId);
            state.State.Tenant = TenantData.From(created);
            state.State.TokenHash = BearerTokens.Hash(token);
            state.State.Keys = [SigningKeyData.From(SigningKeyGenerator.Generate(_tenantId, SsfConstants.Algorithms.ES256, protector, now))];
            await state.WriteStateAsync();
            await directory.AddTenantAsync(_tenantId, now);
            await ChangedAsync(TenantParts.Identity | TenantParts.Directory);
            return Outcome<TenantPutResult>.Success(new TenantPutResult(state.State.Tenant, Created: true, token));
        }

        var before = existing.ToTenant();
        var updated = changes.Value.ApplyTo(before) with { UpdatedAt = now };
        state.State.Tenant = TenantData.From(updated);

        // R93: when events_supported changes, every stream's events_delivered follows, as a job that resumes after a crash.
        var recompute = !before.EffectiveEventsSupported.SequenceEqual(updated.EffectiveEventsSupported, StringComparer.Ordinal);
        state.State.RecomputePending |= recompute;
        await state.WriteStateAsync();
        await ChangedAsync(TenantParts.Identity);
        if (state.State.RecomputePending)
        {
            await RecomputeEventsDeliveredAsync();
        }

        // Streams held while the tenant was disabled push what they hold at once, not at their next check.
        if (before.Disabled && !updated.Disabled)
        {
            await Task.WhenAll(_streams.Keys.Select(streamId => StreamGrain(streamId).Wake()));
        }

        return Outcome<TenantPutResult>.Success(new TenantPutResult(state.State.Tenant, Created: false, Token: null));
    }

    public Task<TenantData?> Get() => Task.FromResult(Tenant);

    public Task<SnapshotAnswer<TenantSnapshot>> GetSnapshot(string? knownVersion) =>
        Task.FromResult(Tenant is null || knownVersion == _version
            ? new SnapshotAnswer<TenantSnapshot>(Tenant is not null, _version, null)
            : new SnapshotAnswer<TenantSnapshot>(Exists: true, _version, _snapshot ??= BuildSnapshot()));

    public Task<SnapshotAnswer<TenantDirectory>> GetDirectory(string? knownVersion) =>
        Task.FromResult(Tenant is null || knownVersion == _directoryVersion
            ? new SnapshotAnswer<TenantDirectory>(Tenant is not null, _directoryVersion, null)
            : new SnapshotAnswer<TenantDirectory>(Exists: true, _directoryVersion, _directorySnapshot ??= BuildDirectory()));

    public async Task<Outcome<ReceiverRegistration>> RegisterReceiver(string name, string audience, string signingAlgorithm)
    {
        if (Tenant is null)
        {
            return Outcome<ReceiverRegistration>.Failed(NoSuchTenant());
        }

        // R146: the key of the receiver's algorithm exists before its first SET, so it is in the JWKS already.
        if (SigningKeyRing.Active(Keys(), signingAlgorithm) is null)
        {
            state.State.Keys = [.. state.State.Keys, SigningKeyData.From(SigningKeyGenerator.Generate(_tenantId, signingAlgorithm, protector, time.GetUtcNow()))];
            await state.WriteStateAsync();
        }

        var token = BearerTokens.Generate(TokenKind.Receiver, _tenantId);
        var row = new ReceiverRow(_tenantId, Identifiers.New(time), name, audience, signingAlgorithm, BearerTokens.Hash(token), time.GetUtcNow());
        await directory.PutReceiverAsync(row);
        _receivers[row.ReceiverId] = row;
        await ChangedAsync(TenantParts.Identity);
        return Outcome<ReceiverRegistration>.Success(new ReceiverRegistration(ToData(row), token));
    }

    public Task<ReceiverData[]> ListReceivers() =>
        Task.FromResult<ReceiverData[]>([.. ActiveReceivers().OrderBy(row => row.CreatedAt).ThenBy(row => row.ReceiverId, StringComparer.Ordinal).Select(ToData)]);

    public async Task<Outcome<TenantPutResult>> ReissueTenantToken()
    {
        if (Tenant is not { } tenant)
        {
            return Outcome<TenantPutResult>.Failed(NoSuchTenant());
        }

        var token = BearerTokens.Generate(TokenKind.Tenant, _tenantId);
        state.State.TokenHash = BearerTokens.Hash(token);
        await state.WriteStateAsync();
        await ChangedAsync(TenantParts.Identity); // every silo drops the old hash before this returns
        return Outcome<TenantPutResult>.Success(new TenantPutResult(tenant, Created: false, token));
    }

    public async Task<Outcome<ReceiverRegistration>> ReissueReceiverToken(string receiverId)
    {
        if (!_receivers.TryGetValue(receiverId, out var receiver) || receiver.Revoked)
        {
            return Outcome<ReceiverRegistration>.Failed(Failure.NotFound($"No receiver '{receiverId}' in tenant '{_tenantId}'."));
        }

        var token = BearerTokens.Generate(TokenKind.Receiver, _tenantId);
        var reissued = receiver with { TokenHash = BearerTokens.Hash(token) };
        await directory.PutReceiverAsync(reissued);
        _receivers[receiverId] = reissued;
        await ChangedAsync(TenantParts.Identity);
        return Outcome<ReceiverRegistration>.Success(new ReceiverRegistration(ToData(reissued), token));
    }

    public async Task<bool> RevokeReceiver(string receiverId)
    {
        if (!_receivers.TryGetValue(receiverId, out var receiver) || receiver.Revoked)
        {
            return false;
        }

        // The token stops working everywhere first; then the streams go. Marked durably, so a crash half-way resumes.
        var revoked = receiver with { Revoked = true };
        await directory.PutReceiverAsync(revoked);
        _receivers[receiverId] = revoked;
        await ChangedAsync(TenantParts.Identity);
        await FinishRevocationAsync(revoked);
        return true;
    }

    public Task<SigningKeyData[]> GetPublishedKeys() =>
        Task.FromResult<SigningKeyData[]>([.. SigningKeyRing.Published(Keys(), time.GetUtcNow(), keyOptions.Value.RotationGracePeriod)
            .OrderByDescending(key => key.CreatedAt).Select(key => SigningKeyData.From(key).PublicOnly())]);

    public async Task<Outcome<SigningKeyData[]>> RotateKeys()
    {
        var now = time.GetUtcNow();
        if (SigningKeyRing.RotationBlockedUntil(Keys(), now, keyOptions.Value.RotationGracePeriod) is { } until)
        {
            return Outcome<SigningKeyData[]>.Failed(Core.Results.OperationError.TooManyRequests(
                $"The JWKS already holds {SigningKeyRing.MaxRetiredKeysPerAlgorithm} retired keys of an algorithm within the grace period; the next rotation is possible at {until:O}.") with
            {
                RetryAfter = until - now,
            });
        }

        var (ring, fresh) = SigningKeyRing.Rotate(_tenantId, Keys(), protector, now, keyOptions.Value.RotationGracePeriod);
        state.State.Keys = [.. ring.Select(SigningKeyData.From)];
        await state.WriteStateAsync();

        // A key rotated out (perhaps because it leaked) signs nothing more on any silo once this returns.
        await ChangedAsync(TenantParts.Identity);
        return Outcome<SigningKeyData[]>.Success([.. fresh.Select(key => SigningKeyData.From(key).PublicOnly())]);
    }

    private IReadOnlyList<SigningKeyRecord> Keys() => [.. state.State.Keys.Select(key => key.ToRecord(_tenantId))];

    private IEnumerable<ReceiverRow> ActiveReceivers() => _receivers.Values.Where(row => !row.Revoked);

    private static ReceiverData ToData(ReceiverRow row) => new(row.ReceiverId, row.Name, row.Audience, row.SigningAlgorithm, row.CreatedAt);

    private Failure NoSuchTenant() => Failure.NotFound($"No tenant '{_tenantId}'.");

    /// <summary>A new version of what changed, and every live silo told before the change is reported done.</summary>
    private Task ChangedAsync(TenantParts changed)
    {
        if (changed.HasFlag(TenantParts.Identity))
        {
            _version = NewVersion();
            _snapshot = null;
        }

        if (changed.HasFlag(TenantParts.Directory))
        {
            _directoryVersion = NewVersion();
            _directorySnapshot = null;
        }

        return broadcast.InvalidateAsync(_tenantId, _version, _directoryVersion);
    }

    // Versions are compared for equality only, so a fresh activation simply starts a new one.
    private static string NewVersion() => Guid.NewGuid().ToString("N");

    private TenantSnapshot BuildSnapshot()
    {
        var keys = SigningKeyRing.Published(Keys(), time.GetUtcNow(), keyOptions.Value.RotationGracePeriod)
            .Select(key => key.RetiredAt is null ? SigningKeyData.From(key) : SigningKeyData.From(key).PublicOnly())
            .ToArray();
        return new TenantSnapshot(
            _version,
            Tenant!,
            state.State.TokenHash!,
            [.. ActiveReceivers().Select(row => new SnapshotReceiver(row.ReceiverId, row.TokenHash))],
            keys);
    }

    private TenantDirectory BuildDirectory()
    {
        var eventSets = new List<string[]>();
        var setIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var streams = _streams.Values.Select(row =>
        {
            var joined = string.Join('\n', row.EventsDelivered);
            if (!setIndex.TryGetValue(joined, out var index))
            {
                index = eventSets.Count;
                setIndex[joined] = index;
                eventSets.Add([.. row.EventsDelivered]);
            }

            return new SnapshotStream(row.StreamId, row.ReceiverId, row.Audience, row.SigningAlgorithm, row.IncludesAllSubjects, row.Disabled, index);
        }).ToArray();

        return new TenantDirectory(_directoryVersion, streams, [.. eventSets]);
    }

    private async Task ResumeJobsAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (state.State.Deleting)
            {
                await FinishDeletionAsync();
                return;
            }

            foreach (var receiver in _receivers.Values.Where(row => row.Revoked).ToArray())
            {
                await FinishRevocationAsync(receiver);
            }

            if (state.State.RecomputePending)
            {
                await RecomputeEventsDeliveredAsync();
            }
        }
        catch (Exception exception)
        {
            LogJobFailed(logger, _tenantId, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {TenantId}: an interrupted job failed again; it resumes on the next activation.")]
    private static partial void LogJobFailed(ILogger logger, string tenantId, Exception exception);
}
