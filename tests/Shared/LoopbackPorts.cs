using System.Net;
using System.Net.Sockets;

namespace SetHub.Tests.Shared;

/// <summary>Free TCP ports on the loopback interface, for the servers and nodes tests start.</summary>
public static class LoopbackPorts
{
    /// <summary>A port nothing listens on now (the OS picks it; another process may still take it before the caller).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
