using System.Diagnostics;

namespace SetHub.Bench.Measure;

/// <summary>CPU ticks at one moment: the machine's, the hub processes', and every process of the bench's own.</summary>
public sealed record CpuSnapshot(long Timestamp, long MachineBusy, long MachineTotal, long HubTicks, long PostgresTicks, long OwnTicks);

/// <summary>CPU used between two snapshots.</summary>
/// <param name="Seconds">Wall time of the window.</param>
/// <param name="HubSeconds">CPU seconds the hub processes used (utime + stime).</param>
/// <param name="MachineCores">Average busy cores of the whole machine.</param>
/// <param name="HubCores">Average cores the hub processes used.</param>
/// <param name="PostgresCores">Average cores the bench's PostgreSQL server used (0 without it).</param>
/// <param name="ForeignCores">Average cores used by processes the bench did not start (neither hub, bench nor its
/// PostgreSQL): another developer's build, for example.</param>
public sealed record CpuUsage(double Seconds, double HubSeconds, double MachineCores, double HubCores, double PostgresCores, double ForeignCores);

/// <summary>
/// Measures CPU over windows. The bench's own processes are this one, the hub nodes and the bench's PostgreSQL
/// server with its backends; whatever else the machine did in a window is "foreign", which tells a measurement
/// disturbed by someone else's work apart from one that was not.
/// </summary>
public sealed class CpuMeter(Func<IReadOnlyList<int>> hubPids, int? postmasterPid)
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
            var own = hubTicks + postgresTicks + Ticks(Environment.ProcessId);
            return new CpuSnapshot(Stopwatch.GetTimestamp(), busy, total, hubTicks, postgresTicks, own);
        }
    }

    public static CpuUsage Between(CpuSnapshot start, CpuSnapshot end)
    {
        var seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        var machine = (end.MachineBusy - start.MachineBusy) / ProcFs.TicksPerSecond;
        var hub = (end.HubTicks - start.HubTicks) / ProcFs.TicksPerSecond;
        var postgres = (end.PostgresTicks - start.PostgresTicks) / ProcFs.TicksPerSecond;
        var own = (end.OwnTicks - start.OwnTicks) / ProcFs.TicksPerSecond;
        var perSecond = seconds > 0 ? 1 / seconds : 0;
        return new CpuUsage(seconds, hub, machine * perSecond, hub * perSecond, postgres * perSecond, Math.Max(0, machine - own) * perSecond);
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
        if (postmasterPid is not { } postmaster)
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
