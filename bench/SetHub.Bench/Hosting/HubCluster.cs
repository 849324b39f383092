using SetHub.Bench.Api;

namespace SetHub.Bench.Hosting;

/// <summary>The hub nodes of one scenario run, on one store, and what it takes to clean them up.</summary>
public sealed class HubCluster(
    IReadOnlyList<HubNode> nodes, string adminToken, IReadOnlyList<string> reportedSettings, Func<Task> dropStore) : IAsyncDisposable
{
    public IReadOnlyList<HubNode> Nodes => nodes;

    public string AdminToken => adminToken;

    /// <summary>The settings of node 0 as the report shows them: secrets and ports left out.</summary>
    public IReadOnlyList<string> ReportedSettings => reportedSettings;

    public IReadOnlyList<Uri> Addresses => [.. nodes.Select(node => node.BaseAddress)];

    public IReadOnlyList<int> Pids => [.. nodes.Select(node => node.Pid)];

    /// <summary>Setup calls through node <paramref name="index"/>.</summary>
    public HubApi Api(HttpClient http, int index = 0) => new(http, nodes[index].BaseAddress, adminToken);

    /// <summary>The highest VmHWM of the nodes in MiB, read now (a killed node's is gone).</summary>
    public double? PeakMemoryMib()
    {
        var peaks = nodes.Select(node => node.Memory()?.PeakRssKib).OfType<long>().ToArray();
        return peaks.Length == 0 ? null : peaks.Max() / 1024.0;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }

        await dropStore();
    }
}
