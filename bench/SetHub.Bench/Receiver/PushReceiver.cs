using System.Buffers;
using System.Diagnostics;
using SetHub.Bench.Api;
using SetHub.Bench.Measure;

namespace SetHub.Bench.Receiver;

/// <summary>
/// The local RFC 8935 push receiver: Kestrel on a loopback port, answering 202 to every SET at
/// <c>/push/{stream}</c> and telling the current <see cref="Ledger"/> what arrived when. <c>/raw</c> answers 202 to
/// anything without reading it as a SET: the raw Kestrel limit is measured there, through the same server.
/// </summary>
public sealed class PushReceiver : IAsyncDisposable
{
    private const int MaxBodyBytes = 64 * 1024;

    private const int RecentSenders = 512;

    private readonly WebApplication _app;
    private readonly System.Collections.Concurrent.ConcurrentQueue<(long At, int Port)> _senders = new();
    private long _malformed;
    private long _rawRequests;

    private PushReceiver(WebApplication app) => _app = app;

    /// <summary>Where arrivals are recorded; scenarios swap in a fresh ledger per phase. Null: count nothing.</summary>
    public DeliveryLedger? Ledger { get; set; }

    /// <summary>How long the receiver takes before it answers a push: zero (answer at once), or a round trip to a
    /// receiver elsewhere on the network.</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Whether to remember the client port of recent pushes (<see cref="SendersSince"/>).</summary>
    public bool TrackSenders { get; set; }

    /// <summary>Bodies that were not a SET with a jti.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    public long RawRequests => Interlocked.Read(ref _rawRequests);

    public string BaseAddress => _app.Urls.First();

    public string PushUrl(int stream) => $"{BaseAddress}/push/{stream}";

    public string RawUrl => $"{BaseAddress}/raw";

    public int Port => new Uri(BaseAddress).Port;

    /// <summary>The client ports of the pushes that arrived since <paramref name="timestamp"/> (of the last 512 at most).</summary>
    public IReadOnlyList<int> SendersSince(long timestamp) => [.. _senders.Where(s => s.At >= timestamp).Select(s => s.Port)];

    public static async Task<PushReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new PushReceiver(app);
        app.MapPost("/push/{stream:int}", receiver.PushAsync);
        app.MapPost("/raw", receiver.RawAsync);
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task PushAsync(HttpContext context, int stream)
    {
        var (buffer, length) = await ReadBodyAsync(context.Request);
        var at = Stopwatch.GetTimestamp();
        if (TrackSenders)
        {
            _senders.Enqueue((at, context.Connection.RemotePort));
            while (_senders.Count > RecentSenders && _senders.TryDequeue(out _))
            {
            }
        }

        try
        {
            var claims = SetToken.Read(buffer.AsSpan(0, length));
            if (claims is null)
            {
                Interlocked.Increment(ref _malformed);
            }
            else
            {
                Ledger?.Arrived(stream, claims, at);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(ResponseDelay, context.RequestAborted);
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private async Task RawAsync(HttpContext context)
    {
        var (buffer, _) = await ReadBodyAsync(context.Request);
        ArrayPool<byte>.Shared.Return(buffer);
        Interlocked.Increment(ref _rawRequests);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    // The whole body into a pooled buffer, as a receiver must read a SET before it can answer.
    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpRequest request)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(request.ContentLength ?? 4096, 1, MaxBodyBytes));
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted);
            if (read == 0)
            {
                return (buffer, length);
            }

            length += read;
        }
    }
}
