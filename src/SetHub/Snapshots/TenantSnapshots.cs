using System.Collections.Concurrent;
using System.Diagnostics;
using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Grains.Delivery;
using SetHub.Grains.Silos;
using SetHub.Grains.Tenants;

namespace SetHub.Snapshots;

/// <summary>
/// This silo's snapshots of tenants, each used for at most <see cref="SnapshotLease.Duration"/> after it was asked for
/// (measured on this silo's monotonic clock, from before the request) unless renewed. A tenant that changes tells every
/// live silo through its silo agent, and waits for each to drop its snapshot or for its lease to run out; so a
/// snapshot is never used to decide something its tenant would now decide otherwise. Renewing an unchanged snapshot is
/// one small grain call per tenant and lease.
/// </summary>
internal sealed class TenantSnapshots(IGrainFactory grains, ISecretProtector protector) : ILocalTenantSnapshots, ISigningKeySource
{
    private static readonly long LeaseTicks = (long)(SnapshotLease.Duration.TotalSeconds * Stopwatch.Frequency);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    // Key material never changes for a kid: decrypted once per silo.
    private readonly ConcurrentDictionary<string, SigningKey> _keys = new(StringComparer.Ordinal);

    /// <summary>The tenant's view, or <see langword="null"/> when there is no such tenant.</summary>
    public ValueTask<TenantView?> GetAsync(string tenantId)
    {
        var entry = _entries.GetOrAdd(tenantId, static _ => new Entry());
        return entry.IsFresh(Stopwatch.GetTimestamp()) ? ValueTask.FromResult(entry.View) : new ValueTask<TenantView?>(entry.RefreshAsync(grains, tenantId));
    }

    public void Invalidate(string tenantId, string version)
    {
        if (_entries.TryGetValue(tenantId, out var entry))
        {
            entry.Invalidate(version);
        }
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
        private readonly Lock _gate = new();
        private Task<TenantView?>? _refresh;
        private long _leaseUntil;
        private long _generation;

        public TenantView? View { get; private set; }

        public string? Version { get; private set; }

        public bool IsFresh(long now) => Volatile.Read(ref _leaseUntil) > now;

        public void Invalidate(string version)
        {
            lock (_gate)
            {
                if (Version != version)
                {
                    _generation++;
                    _leaseUntil = 0;
                }
            }
        }

        // One renewal at a time per tenant; callers meanwhile share it.
        public Task<TenantView?> RefreshAsync(IGrainFactory grains, string tenantId)
        {
            lock (_gate)
            {
                return _refresh is { IsCompleted: false } running ? running : _refresh = FetchAsync(grains, tenantId);
            }
        }

        private async Task<TenantView?> FetchAsync(IGrainFactory grains, string tenantId)
        {
            long started;
            long generation;
            string? known;
            lock (_gate)
            {
                started = Stopwatch.GetTimestamp();
                generation = _generation;
                known = Version;
            }

            var answer = await grains.GetGrain<ITenantGrain>(tenantId).GetSnapshot(known);
            lock (_gate)
            {
                if (!answer.Exists)
                {
                    View = null;
                }
                else if (answer.Snapshot is { } snapshot)
                {
                    View = new TenantView(snapshot);
                }

                Version = answer.Version;

                // An invalidation that arrived meanwhile may be newer than this answer: then the next use asks again.
                if (generation == _generation)
                {
                    _leaseUntil = started + LeaseTicks;
                }

                return View;
            }
        }
    }
}
