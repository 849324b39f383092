using System.Diagnostics;

namespace SetHub.Bench.Measure;

/// <summary>The store servers the bench started, whose CPU counts as the bench's own and is reported apart from the hub's.</summary>
/// <param name="PostmasterPid">The bench's PostgreSQL server (its postmaster), if running.</param>
/// <param name="AzuritePid">The bench's Azurite (one node process), if running.</param>
public sealed record StoreProcesses(int? PostmasterPid, int? AzuritePid)
{
    public static readonly StoreProcesses None = new(null, null);
}

/// <summary>CPU ticks at one moment: the machine's, the hub processes', the store servers', and every process of the
/// bench's own. Azurite's own ticks are kept only when it is the hub's store (it always counts as the bench's own).</summary>
public sealed record CpuSnapshot(long Timestamp, long MachineBusy, long MachineTotal, long HubTicks, long PostgresTicks, long OwnTicks, long? AzuriteTicks = null);

/// <summary>CPU used between two snapshots.</summary>
/// <param name="Seconds">Wall time of the window.</param>
/// <param name="HubSeconds">CPU seconds the hub processes used (utime + stime).</param>
/// <param name="MachineCores">Average busy cores of the whole machine.</param>
/// <param name="HubCores">Average cores the hub processes used.</param>
/// <param name="PostgresCores">Average cores the bench's PostgreSQL server used (0 without it).</param>
/// <param name="ForeignCores">Average cores used by processes the bench did not start (neither hub, bench nor its
/// PostgreSQL or Azurite): another developer's build, for example.</param>
/// <param name="AzuriteCores">Average cores the bench's Azurite (the Azure Storage emulator, one Node.js process) used,
/// when it was the hub's store (null otherwise).</param>
public sealed record CpuUsage(double Seconds, double HubSeconds, double MachineCores, double HubCores, double PostgresCores, double ForeignCores, double? AzuriteCores = null)
{
    /// <summary>CPU seconds Azurite used in the window, when it was the hub's store.</summary>
    public double? AzuriteSeconds => AzuriteCores * Seconds;
}

/// <summary>
/// Measures CPU over windows. The bench's own processes are this one, the hub nodes, the bench's PostgreSQL
/// server with its backends and the bench's Azurite; whatever else the machine did in a window is "foreign", which
/// tells a measurement disturbed by someone else's work apart from one that was not. When
/// <paramref name="azuriteIsStore"/>, Azurite's share is reported apart (the AzureStorage mode).
/// </summary>
public sealed class CpuMeter(Func<IReadOnlyList<int>> hubPids, StoreProcesses stores, bool azuriteIsStore = false)
{
    // A killed node's last reading keeps counting, so a window over a kill does not lose what the node used.
    private readonly Dictionary<int, long> _lastTicks = [];
    private readonly Lock _gate = new();

    public CpuSnapshot Take()
    {
        lock (_gate)
        {
            var (busy, total) = ProcFs.MachineCpuTicks();
            var hubs = hubPids();
            var hubTicks = hubs.Sum(Ticks);
            var postgresTicks = PostgresTicks();
            // Azurite is one Node.js process: its JavaScript thread and libuv's pool are threads of it, counted in its stat.
            var azuriteTicks = stores.AzuritePid is { } azurite ? Ticks(azurite) : 0;
            var own = hubTicks + postgresTicks + azuriteTicks + Ticks(Environment.ProcessId);
            return new CpuSnapshot(Stopwatch.GetTimestamp(), busy, total, hubTicks, postgresTicks, own, azuriteIsStore ? azuriteTicks : null);
        }
    }

    public static CpuUsage Between(CpuSnapshot start, CpuSnapshot end)
    {
        var seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        var machine = (end.MachineBusy - start.MachineBusy) / ProcFs.TicksPerSecond;
        var hub = (end.HubTicks - start.HubTicks) / ProcFs.TicksPerSecond;
        var postgres = (end.PostgresTicks - start.PostgresTicks) / ProcFs.TicksPerSecond;
        var own = (end.OwnTicks - start.OwnTicks) / ProcFs.TicksPerSecond;
        var azurite = (end.AzuriteTicks - start.AzuriteTicks) / ProcFs.TicksPerSecond; // null unless both measured it
        var perSecond = seconds > 0 ? 1 / seconds : 0;
        return new CpuUsage(seconds, hub, machine * perSecond, hub * perSecond, postgres * perSecond, Math.Max(0, machine - own) * perSecond, azurite * perSecond);
    }

    private long Ticks(int pid)
    {
        if (ProcFs.ProcessCpuTicks(pid) is { } ticks)
        {
            _lastTicks[pid] = ticks;
            return ticks;
        }

        return _lastTicks.GetValueOrDefault(pid);
    }

    // PostgreSQL starts and ends a backend per connection, and a pool's connections come and go within a long window:
    // a backend's CPU moves into the postmaster's cutime/cstime when the postmaster reaps it, so the postmaster counted
    // with its reaped children plus the backends still alive is continuous across a backend's exit (and no exited
    // backend's last reading is kept, which would count it twice).
    private long PostgresTicks()
    {
        if (stores.PostmasterPid is not { } postmaster)
        {
            return 0;
        }

        var ticks = ProcFs.ProcessAndReapedChildrenCpuTicks(postmaster) ?? 0;
        foreach (var pid in ProcFs.AllPids())
        {
            if (pid != postmaster && ProcFs.ParentPid(pid) == postmaster)
            {
                ticks += ProcFs.ProcessCpuTicks(pid) ?? 0;
            }
        }

        return ticks;
    }
}
