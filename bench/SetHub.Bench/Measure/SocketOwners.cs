using System.Globalization;

namespace SetHub.Bench.Measure;

/// <summary>
/// Which process owns a loopback TCP connection, from /proc/net/tcp (the connection's socket inode) and each
/// process's /proc/&lt;pid&gt;/fd links (<c>socket:[inode]</c>). The failover scenario uses it to find the node that
/// is pushing right now, whatever engine decides which node pushes which stream.
/// </summary>
public static class SocketOwners
{
    /// <summary>The owner, among <paramref name="pids"/>, of each connection from one of <paramref name="localPorts"/>
    /// to <paramref name="remotePort"/> on this machine: local port → process id.</summary>
    public static IReadOnlyDictionary<int, int> Owners(IEnumerable<int> localPorts, int remotePort, IReadOnlyList<int> pids)
    {
        var wanted = localPorts.ToHashSet();
        var inodes = new Dictionary<string, int>(StringComparer.Ordinal); // "socket:[inode]" → local port
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && Port(fields[1]) is var local && wanted.Contains(local) && Port(fields[2]) == remotePort)
                {
                    inodes[$"socket:[{fields[9]}]"] = local;
                }
            }
        }

        var owners = new Dictionary<int, int>();
        foreach (var pid in pids)
        {
            try
            {
                foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && inodes.TryGetValue(target, out var port))
                    {
                        owners[port] = pid;
                    }
                }
            }
            catch (IOException)
            {
                // gone
            }
        }

        return owners;
    }

    // "0100007F:1F90" → 8080.
    private static int Port(string address) => int.Parse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
