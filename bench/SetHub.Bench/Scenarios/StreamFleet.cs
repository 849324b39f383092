using System.Diagnostics;
using SetHub.Bench.Api;

namespace SetHub.Bench.Scenarios;

/// <summary>A tenant with many streams, created the way receivers would create them.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Streams">Its streams, by index.</param>
/// <param name="StreamsPerSecond">How fast the hub created them (receivers, streams and subjects included).</param>
public sealed record StreamFleet(TenantInfo Tenant, IReadOnlyList<StreamInfo> Streams, double StreamsPerSecond)
{
    /// <summary>Receivers hold this many streams each: a realistic spread of tokens, without a receiver per stream.</summary>
    public const int StreamsPerReceiver = 10;

    /// <summary>Concurrent setup calls: enough to keep the hub busy, few enough not to time anything out.</summary>
    public const int Parallelism = 16;

    /// <summary>
    /// Creates the tenant, one receiver per <see cref="StreamsPerReceiver"/> streams, and <paramref name="count"/>
    /// streams for session-revoked events, <see cref="Parallelism"/> calls at a time. Stream i pushes to
    /// <c>pushUrl(i)</c>, or is a poll stream when that is null, and gets <c>subject(i)</c> added when not null.
    /// </summary>
    public static async Task<StreamFleet> CreateAsync(
        HubApi api, string tenantId, bool allSubjects, int count, Func<int, string?> pushUrl, Func<int, string?> subject, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var tenant = await api.CreateTenantAsync(tenantId, allSubjects, cancellationToken);
        var receiverTokens = new string[(count + StreamsPerReceiver - 1) / StreamsPerReceiver];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, receiverTokens.Length), parallel, async (r, token) =>
            receiverTokens[r] = await api.RegisterReceiverAsync(tenant, $"rp-{r}", token));

        var streams = new StreamInfo[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, token) =>
        {
            var stream = await api.CreateStreamAsync(tenant, i, receiverTokens[i / StreamsPerReceiver], pushUrl(i), token);
            if (subject(i) is { } subjectJson)
            {
                await api.AddSubjectAsync(tenant, stream, subjectJson, token);
            }

            streams[i] = stream;
        });

        return new StreamFleet(tenant, streams, count / Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
