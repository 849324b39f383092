using System.Net;
using System.Net.Sockets;

namespace SetHub.Bench.Api;

/// <summary>
/// The one client stack every load in the bench uses (the raw Kestrel limit included, so the two compare): HTTP/1.1
/// over loopback with a pool large enough that the generator never queues behind its own connection limit.
/// </summary>
public static class BenchHttp
{
    /// <summary>A client with no overall timeout: each caller bounds its own requests.</summary>
    /// <param name="maxConnections">Connections per server; open-loop load and long polls need many.</param>
    /// <param name="concurrentConnects">At most this many connections being opened at once, so a burst of new
    /// connections does not overflow the server's accept backlog (which costs a one-second SYN retry).</param>
    public static HttpClient Create(int maxConnections = 1024, int concurrentConnects = 64)
    {
        var connects = new SemaphoreSlim(concurrentConnects);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            ConnectCallback = async (context, cancellationToken) =>
            {
                await connects.WaitAsync(cancellationToken);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
                finally
                {
                    connects.Release();
                }
            },
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
