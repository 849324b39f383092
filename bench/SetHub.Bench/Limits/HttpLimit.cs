using System.Diagnostics;
using System.Net.Http.Headers;
using SetHub.Bench.Measure;

namespace SetHub.Bench.Limits;

/// <summary>
/// Raw limit (b): requests per second Kestrel answers 202 to a 1 KiB POST, driven by the bench's own client stack
/// over loopback, both ends in this process as in the scenarios (where the bench's receiver answers the hub's pushes).
/// Also the round trip of one request alone, for latency floors.
/// </summary>
public static class HttpLimit
{
    private const int Concurrency = 64;

    public static async Task<(double PerSecond, double CpuMicroseconds, double RoundTripMs)> MeasureAsync(
        HttpClient http, string url, TimeSpan duration, CancellationToken cancellationToken)
    {
        var body = new byte[1024];
        Random.Shared.NextBytes(body);

        // Warm-up: connections opened and the code paths jitted before anything counts.
        await RunAsync(http, url, body, Concurrency, TimeSpan.FromSeconds(1), null, cancellationToken);

        var roundTrips = new Samples();
        await RunAsync(http, url, body, 1, duration / 4, roundTrips, cancellationToken);

        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var count = await RunAsync(http, url, body, Concurrency, duration, null, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds;
        return (count / elapsed, cpu / count, roundTrips.Summarize().P50);
    }

    private static async Task<long> RunAsync(
        HttpClient http, string url, byte[] body, int concurrency, TimeSpan duration, Samples? roundTrips, CancellationToken cancellationToken)
    {
        long count = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var sent = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/secevent+jwt");
                using var response = await http.SendAsync(request, cancellationToken);
                if ((int)response.StatusCode != 202)
                {
                    throw new InvalidOperationException($"The raw endpoint answered {(int)response.StatusCode}.");
                }

                roundTrips?.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                Interlocked.Increment(ref count);
            }
        }));
        return count;
    }
}
