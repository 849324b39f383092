using System.Globalization;
using SetHub.Bench.Hosting;
using SetHub.Bench.Limits;
using SetHub.Bench.Receiver;
using SetHub.Bench.Report;
using SetHub.Bench.Scenarios;

namespace SetHub.Bench;

/// <summary>Measures the raw limits once per run, before the scenarios, on the same machine.</summary>
public static class LimitsRunner
{
    public static async Task<(RawLimits Limits, IReadOnlyList<Figure> Figures)> MeasureAsync(
        BenchOptions options, PostgresServer? postgres, AzuriteServer? azurite, PushReceiver receiver, HttpClient http, CancellationToken cancellationToken)
    {
        var duration = options.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);

        ScenarioContext.Log("raw limit: ES256 signatures");
        var (signatures, signatureCpu) = SigningLimit.Measure(duration);
        ScenarioContext.Log("raw limit: Kestrel requests");
        var (requests, requestCpu, roundTrip) = await HttpLimit.MeasureAsync(http, receiver.RawUrl, duration, cancellationToken);
        ScenarioContext.Log("raw limit: SQLite inserts");
        var (sqliteRows, sqliteCommit) = await SqliteInsertLimit.MeasureAsync(Path.Combine(options.Work, "raw-limits"), duration, cancellationToken);
        (double Rows, double Commit)? pg = null;
        if (postgres is not null)
        {
            ScenarioContext.Log("raw limit: PostgreSQL inserts");
            pg = await PostgresInsertLimit.MeasureAsync(postgres, duration, cancellationToken);
        }

        (double Rows, double Commit, double Singles)? az = null;
        if (azurite is not null)
        {
            ScenarioContext.Log("raw limit: Azurite inserts");
            az = await AzuriteInsertLimit.MeasureAsync(azurite, duration, cancellationToken);
        }

        var limits = new RawLimits(signatures, signatureCpu, requests, requestCpu, roundTrip, sqliteRows, sqliteCommit, pg?.Rows, pg?.Commit, az?.Rows, az?.Commit, az?.Singles);
        var cores = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        List<Figure> figures =
        [
            new("sign.rate", "(a) ES256 signatures/s", signatures, "/s", Better.Higher, Note: $"ECDsa P-256, SHA-256, P1363, {SigningLimit.InputLength}-byte SET signing input, {cores} threads"),
            new("sign.cpu", "(a) CPU per signature", signatureCpu, "µs", Better.Lower),
            new("http.rate", "(b) Kestrel requests/s", requests, "/s", Better.Higher, Note: "1 KiB POST answered 202, 64 concurrent, bench client stack over loopback"),
            new("http.cpu", "(b) CPU per request (client + server)", requestCpu, "µs", Better.Lower),
            new("http.round_trip", "(b) one request's round trip, alone (p50)", roundTrip, "ms", Better.Lower),
            new("sqlite.rate", "(c) SQLite insert rows/s", sqliteRows, "/s", Better.Higher, Note: "WAL, synchronous FULL, 100-row transactions, ~700-byte rows"),
            new("sqlite.commit", "(c) SQLite 100-row transaction, alone (p50)", sqliteCommit, "ms", Better.Lower),
        ];
        if (pg is { } p)
        {
            figures.Add(new("postgres.rate", "(c) PostgreSQL insert rows/s", p.Rows, "/s", Better.Higher, Note: "durable server, 100-row unnest statements, 4 connections, ~700-byte rows"));
            figures.Add(new("postgres.commit", "(c) PostgreSQL 100-row statement, alone (p50)", p.Commit, "ms", Better.Lower));
        }

        if (az is { } a)
        {
            figures.Add(new("azurite.rate", "(c) Azurite insert rows/s", a.Rows, "/s", Better.Higher,
                Note: "Azurite (emulator) — not representative of Azure Storage; 100-entity transactions, a partition each, 4 connections, ~700-byte rows"));
            figures.Add(new("azurite.commit", "(c) Azurite 100-entity transaction, alone (p50)", a.Commit, "ms", Better.Lower));
            figures.Add(new("azurite.singles", "(c) Azurite one-entity transactions/s", a.Singles, "/s", Better.Higher,
                Note: "a partition each, 16 at once: a write to many partitions at best (SetHub's SET log has a partition per stream)"));
        }

        figures.Add(new("floor.cpu_per_set", "floor: CPU of one signature + one request", limits.CpuPerSetFloorMicroseconds, "µs", Better.Lower));
        List<StorageMode> modes = [StorageMode.Sqlite];
        if (postgres is not null)
        {
            modes.Add(StorageMode.Postgres);
        }

        if (azurite is not null)
        {
            modes.Add(StorageMode.AzureStorage);
        }

        foreach (var mode in modes)
        {
            var name = ScenarioContext.NameOf(mode);
            figures.Add(new($"floor.latency.{name}", $"floor: publish→delivery on {name} (2 round trips + 1 commit + 1 signature)", limits.LatencyFloorMs(mode), "ms", Better.Lower));
        }

        return (limits, figures);
    }
}
