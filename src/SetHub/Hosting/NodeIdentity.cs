namespace SetHub.Hosting;

/// <summary>This node's name in leases: host, process and a random suffix, so a restarted process never mistakes an
/// old lease for its own.</summary>
internal sealed class NodeIdentity
{
    public string Name { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
}
