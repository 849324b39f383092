using System.Globalization;

namespace SetHub.Bench.Measure;

/// <summary>Memory figures of one process, from <c>/proc/&lt;pid&gt;/status</c>, in KiB.</summary>
/// <param name="RssKib">VmRSS: resident now.</param>
/// <param name="PeakRssKib">VmHWM: the most it was ever resident (its high-water mark).</param>
public sealed record ProcessMemory(long RssKib, long PeakRssKib);

/// <summary>
/// Reads Linux's /proc. CPU times there are in clock ticks of USER_HZ, which Linux fixes at 100 per second on every
/// architecture .NET runs on, whatever the kernel's internal tick rate.
/// </summary>
public static class ProcFs
{
    /// <summary>USER_HZ: the unit of the CPU times in /proc.</summary>
    public const double TicksPerSecond = 100.0;

    /// <summary>utime + stime of a process in ticks, or null when it is gone.</summary>
    public static long? ProcessCpuTicks(int pid)
    {
        var fields = StatFields(pid);
        // After "pid (comm)": state is field 3, utime field 14, stime field 15 (proc(5)).
        return fields is null ? null : Long(fields[11]) + Long(fields[12]);
    }

    /// <summary>utime + stime of a process plus cutime + cstime, the CPU of the children it has already reaped; null
    /// when it is gone.</summary>
    public static long? ProcessAndReapedChildrenCpuTicks(int pid)
    {
        var fields = StatFields(pid);
        // cutime is field 16, cstime field 17 (proc(5)).
        return fields is null ? null : Long(fields[11]) + Long(fields[12]) + Long(fields[13]) + Long(fields[14]);
    }

    /// <summary>The parent of a process, or null when it is gone.</summary>
    public static int? ParentPid(int pid)
    {
        var fields = StatFields(pid);
        return fields is null ? null : (int)Long(fields[1]);
    }

    /// <summary>The whole machine's CPU ticks since boot: busy (everything but idle and iowait) and total.</summary>
    public static (long Busy, long Total) MachineCpuTicks()
    {
        var first = File.ReadLines("/proc/stat").First();
        var values = first.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(Long).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already counted in user).
        var total = values.Take(8).Sum();
        var idle = values[3] + values[4];
        return (total - idle, total);
    }

    /// <summary>VmRSS and VmHWM of a process, or null when it is gone.</summary>
    public static ProcessMemory? Memory(int pid)
    {
        try
        {
            long rss = 0, peak = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kib(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kib(line);
                }
            }

            return new ProcessMemory(rss, peak);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The number of open file descriptors of a process (its sockets included), or null when it is gone.</summary>
    public static int? OpenDescriptors(int pid)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The 1, 5 and 15 minute load averages, as /proc/loadavg writes them.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>The 1 minute load average.</summary>
    public static double LoadAverage1() => double.Parse(LoadAverage().Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>Every process id in /proc.</summary>
    public static IEnumerable<int> AllPids() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name is { Length: > 0 } && name.All(char.IsAsciiDigit))
            .Select(name => int.Parse(name!, CultureInfo.InvariantCulture));

    /// <summary>Total RAM in KiB.</summary>
    public static long MemoryTotalKib() => Kib(File.ReadLines("/proc/meminfo").First(line => line.StartsWith("MemTotal:", StringComparison.Ordinal)));

    /// <summary>The CPU model name, or "unknown".</summary>
    public static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";

    /// <summary>The kernel release.</summary>
    public static string KernelRelease() => File.ReadAllText("/proc/sys/kernel/osrelease").Trim();

    /// <summary>This process's soft limit on open files.</summary>
    public static long OpenFileLimit()
    {
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
        return soft is null || soft == "unlimited" ? long.MaxValue : Long(soft);
    }

    // The fields after the command name, which may itself hold spaces and parentheses: index 0 is the state.
    private static string[]? StatFields(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Kib(string statusLine) =>
        Long(statusLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    private static long Long(string value) => long.Parse(value, CultureInfo.InvariantCulture);
}
