using System.Net;
using System.Net.Sockets;

namespace SetHub.Bench.Hosting;

/// <summary>Free loopback TCP ports, distinct within this process's run.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> Handed = [];
    private static readonly Lock Gate = new();

    /// <summary>A port nothing listens on now and this run has not handed out before (the OS may otherwise hand
    /// the same ephemeral port to two nodes that have not bound it yet).</summary>
    public static int Next()
    {
        lock (Gate)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
