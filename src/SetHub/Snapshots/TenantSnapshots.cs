using System.Collections.Concurrent;
using System.Diagnostics;
using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Core.Tenants;
using SetHub.Grains.Delivery;
using SetHub.Grains.Silos;
using SetHub.Grains.Tenants;

namespace SetHub.Snapshots;

/// <summary>
/// This silo's snapshots of tenants, in two parts with their own versions: credentials and keys (checked on every
/// request) and the stream directory (read by fan-out). A tenant that changes tells every live silo through its silo
/// agent, and waits for each to drop the changed part or for its lease to run out (<see cref="LeasedSnapshot{TSnapshot, TView}"/>);
/// so a snapshot is never used to decide something its tenant would now decide otherwise.
/// </summary>
internal sealed class TenantSnapshots(IGrainFactory grains, ISecretProtector protector) : ILocalTenantSnapshots, ISigningKeySource
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    // Key material never changes for a kid: decrypted once per silo.
    private readonly ConcurrentDictionary<string, SigningKey> _keys = new(StringComparer.Ordinal);

    /// <summary>The tenant's settings, credentials and keys, or <see langword="null"/> when there is no such tenant
    /// (a malformed id is none, and is never looked up: it would name no grain worth activating).</summary>
    public ValueTask<TenantView?> GetAsync(string tenantId)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            return ValueTask.FromResult<TenantView?>(null);
        }

        var identity = _entries.GetOrAdd(tenantId, static _ => new Entry()).Identity;
        return identity.IsFresh(Stopwatch.GetTimestamp())
            ? ValueTask.FromResult(identity.View)
            : new ValueTask<TenantView?>(identity.RefreshAsync(grains.GetGrain<ITenantGrain>(tenantId).GetSnapshot, static snapshot => new TenantView(snapshot)));
    }

    /// <summary>The tenant's stream directory, or <see langword="null"/> when there is no such tenant.</summary>
    public ValueTask<TenantDirectoryView?> GetDirectoryAsync(string tenantId)
    {
        var directory = _entries.GetOrAdd(tenantId, static _ => new Entry()).Directory;
        return directory.IsFresh(Stopwatch.GetTimestamp())
            ? ValueTask.FromResult(directory.View)
            : new ValueTask<TenantDirectoryView?>(directory.RefreshAsync(grains.GetGrain<ITenantGrain>(tenantId).GetDirectory, static snapshot => new TenantDirectoryView(snapshot)));
    }

    public bool Invalidate(string tenantId, string identityVersion, string directoryVersion)
    {
        if (!_entries.TryGetValue(tenantId, out var entry))
        {
            return false;
        }

        entry.Directory.Invalidate(directoryVersion);
        return entry.Identity.Invalidate(identityVersion);
    }

    public async ValueTask<SigningKey> GetActiveKeyAsync(string tenantId, string algorithm, CancellationToken cancellationToken = default)
    {
        var view = await GetAsync(tenantId) ?? throw new InvalidOperationException($"Tenant '{tenantId}' does not exist.");
        return GetActiveKey(view, algorithm);
    }

    /// <summary>The active key of <paramref name="algorithm"/> in <paramref name="view"/>, decrypted.</summary>
    public SigningKey GetActiveKey(TenantView view, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(view);
        var record = SigningKeyRing.Active(view.Keys, algorithm)
            ?? throw new InvalidOperationException($"Tenant '{view.Tenant.TenantId}' has no active {algorithm} key.");
        return _keys.GetOrAdd(record.KeyId, static (_, state) => SigningKey.Load(state.record, state.protector), (record, protector));
    }

    private sealed class Entry
    {
        public LeasedSnapshot<TenantSnapshot, TenantView> Identity { get; } = new();

        public LeasedSnapshot<TenantDirectory, TenantDirectoryView> Directory { get; } = new();
    }
}
