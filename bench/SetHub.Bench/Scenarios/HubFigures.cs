using System.Globalization;
using SetHub.Bench.Hosting;
using SetHub.Bench.Measure;
using SetHub.Bench.Report;

namespace SetHub.Bench.Scenarios;

/// <summary>Figures and notes every scenario reports the same way.</summary>
public static class HubFigures
{
    /// <summary>Hub CPU (utime + stime of every node) per SET over a window, in µs, against the raw floor.</summary>
    public static Figure CpuPerSet(string id, string name, CpuUsage cpu, long sets, double floorMicroseconds) => new(
        id, name, sets > 0 ? cpu.HubSeconds * 1e6 / sets : null, "µs/SET", Better.Lower,
        new Limit("signature + 1 HTTP request, CPU", floorMicroseconds));

    /// <summary>
    /// The machine's average busy cores over a window, with the hub's and PostgreSQL's shares (the rest is the bench
    /// and the kernel), and PostgreSQL's CPU per SET when it ran: an engine that asks less of the database shows it there.
    /// </summary>
    public static IEnumerable<Figure> Cores(string id, string window, CpuUsage cpu, long sets)
    {
        var shares = cpu.AzuriteCores is { } azurite
            ? string.Create(CultureInfo.InvariantCulture, $"hub {cpu.HubCores:0.00}, Azurite {azurite:0.00}, of {Environment.ProcessorCount} cores")
            : cpu.PostgresCores > 0
            ? string.Create(CultureInfo.InvariantCulture, $"hub {cpu.HubCores:0.00}, PostgreSQL {cpu.PostgresCores:0.00}, of {Environment.ProcessorCount} cores")
            : string.Create(CultureInfo.InvariantCulture, $"hub {cpu.HubCores:0.00}, of {Environment.ProcessorCount} cores");
        yield return new($"{id}.machine_cores", $"{window} machine CPU", cpu.MachineCores, "cores", Better.Lower, Note: shares);
        if (cpu.PostgresCores > 0 && sets > 0)
        {
            yield return new($"{id}.postgres_cpu_per_set", $"{window} PostgreSQL CPU per SET", cpu.PostgresCores * cpu.Seconds * 1e6 / sets, "µs/SET", Better.Lower);
        }

        foreach (var figure in Azurite(id, window, cpu, sets))
        {
            yield return figure;
        }
    }

    /// <summary>
    /// In the AzureStorage mode, Azurite's CPU over a window beside the hub's, so a reader can tell the emulator's cost
    /// from SetHub's: its cores, and its CPU-ms per SET next to the hub's CPU-ms per SET. Nothing in other modes.
    /// </summary>
    public static IEnumerable<Figure> Azurite(string id, string window, CpuUsage cpu, long sets)
    {
        if (cpu.AzuriteCores is not { } cores)
        {
            yield break;
        }

        var share = cores + cpu.HubCores > 0 ? cores / (cores + cpu.HubCores) : double.NaN;
        yield return new($"{id}.azurite_cores", $"{window} Azurite CPU (emulator, not SetHub)", cores, "cores", Better.Lower,
            Note: string.Create(CultureInfo.InvariantCulture,
                $"hub {cpu.HubCores:0.00} cores in the same window; Azurite is {share:0%} of hub + Azurite (one JavaScript thread: near 1 core it is the bottleneck)"));
        if (sets > 0)
        {
            var azuriteMs = cores * cpu.Seconds * 1e3 / sets;
            var hubMs = cpu.HubSeconds * 1e3 / sets;
            yield return new($"{id}.azurite_cpu_ms_per_set", $"{window} Azurite CPU per SET (emulator, not SetHub)", azuriteMs, "CPU-ms/SET", Better.Lower,
                Note: hubMs > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"hub {hubMs:0.000} CPU-ms/SET in the same window; Azurite ÷ hub {azuriteMs / hubMs:0.00}")
                    : "the hub used no measurable CPU in the window");
        }
    }

    /// <summary>The highest VmHWM among the nodes, each node's in the note when there are several.</summary>
    public static Figure PeakMemory(string id, HubCluster cluster) =>
        new(id, "peak hub memory (VmHWM)", cluster.PeakMemoryMib(), "MiB", Better.Lower, Note: cluster.Nodes.Count == 1 ? null : string.Join(", ",
            cluster.Nodes.Select(node => node.Memory() is { } memory
                ? string.Create(CultureInfo.InvariantCulture, $"{node.Spec.Name}: {memory.PeakRssKib / 1024.0:0} MiB")
                : $"{node.Spec.Name}: gone")));

    /// <summary>Warnings and errors the nodes logged, and nodes that exited on their own.</summary>
    public static IEnumerable<string> LogNotes(HubCluster cluster)
    {
        foreach (var node in cluster.Nodes)
        {
            if (node.HasExited && !node.Killed)
            {
                yield return $"{node.Spec.Name} exited on its own with code {node.ExitCode}.";
            }

            if (node.Log.Warnings + node.Log.Errors == 0)
            {
                continue;
            }

            var top = node.Log.Messages.OrderByDescending(m => m.Value).Take(5).Select(m => $"{m.Value}× `{m.Key}`");
            yield return $"{node.Spec.Name} logged {node.Log.Warnings} warnings and {node.Log.Errors} errors: {string.Join("; ", top)}";
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds or <paramref name="limit"/> passes; true when it held.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50, cancellationToken);
        }

        return true;
    }
}
