using System.Diagnostics;
using SetHub.Grains.Silos;
using SetHub.Grains.Tenants;

namespace SetHub.Snapshots;

/// <summary>
/// One snapshot a silo keeps of one part of a tenant, used for at most <see cref="SnapshotLease.Duration"/> after it
/// was asked for (measured on this silo's monotonic clock, from before the request) unless renewed, and dropped at
/// once when the tenant announces another version. Renewing an unchanged snapshot is one small grain call; only a
/// changed one travels and is compiled again.
/// </summary>
/// <typeparam name="TSnapshot">What the tenant grain sends.</typeparam>
/// <typeparam name="TView">What this silo compiles it into.</typeparam>
internal sealed class LeasedSnapshot<TSnapshot, TView>
    where TSnapshot : class
    where TView : class
{
    private static readonly long LeaseTicks = (long)(SnapshotLease.Duration.TotalSeconds * Stopwatch.Frequency);

    private readonly Lock _gate = new();
    private Task<TView?>? _refresh;
    private long _refreshGeneration;
    private long _appliedGeneration = -1;
    private long _leaseUntil;
    private long _generation;
    private string? _version;

    /// <summary>The compiled snapshot, or <see langword="null"/> when the tenant does not exist.</summary>
    public TView? View { get; private set; }

    public bool IsFresh(long now) => Volatile.Read(ref _leaseUntil) > now;

    /// <summary>Drops the snapshot unless it is at <paramref name="version"/>; tells whether it was dropped.</summary>
    public bool Invalidate(string version)
    {
        lock (_gate)
        {
            if (_version == version)
            {
                return false;
            }

            _generation++;
            _leaseUntil = 0;
            return true;
        }
    }

    /// <summary>
    /// Renews the snapshot: one renewal at a time, which callers meanwhile share — unless an invalidation came after
    /// the running one began. That renewal may answer with the tenant as it was before the change, and a caller who
    /// comes after the change (with a token the tenant has just issued, say) must be answered after it too.
    /// </summary>
    public Task<TView?> RefreshAsync(Func<string?, Task<SnapshotAnswer<TSnapshot>>> fetch, Func<TSnapshot, TView> compile)
    {
        lock (_gate)
        {
            if (_refresh is { IsCompleted: false } running && _refreshGeneration == _generation)
            {
                return running;
            }

            _refreshGeneration = _generation;
            return _refresh = FetchAsync(fetch, compile, _generation, _version);
        }
    }

    private async Task<TView?> FetchAsync(
        Func<string?, Task<SnapshotAnswer<TSnapshot>>> fetch, Func<TSnapshot, TView> compile, long generation, string? known)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await fetch(known);
        var compiled = answer.Snapshot is { } snapshot ? compile(snapshot) : null;
        lock (_gate)
        {
            // A renewal overtaken by a newer one has nothing to keep (its callers all came before the newer one's
            // invalidation, so the newer view answers them as well); nor has an "unchanged" answer about a version
            // this silo no longer holds.
            var stale = generation < _appliedGeneration || (answer.Exists && compiled is null && known != _version);
            if (stale)
            {
                return View;
            }

            _appliedGeneration = generation;
            View = answer.Exists ? compiled ?? View : null;
            _version = answer.Version;

            // An invalidation that arrived meanwhile may be newer than this answer: then the next use asks again.
            if (generation == _generation)
            {
                _leaseUntil = started + LeaseTicks;
            }

            return View;
        }
    }
}
