using System.Diagnostics;
using System.Globalization;
using SetHub.Bench.Api;
using SetHub.Bench.Load;
using SetHub.Bench.Measure;
using SetHub.Bench.Report;

namespace SetHub.Bench.Scenarios;

/// <summary>
/// Soak (opt-in): three nodes on one shared store (PostgreSQL or Azure Storage) under saturating push load for a long
/// time (10 minutes by default). Reports throughput minute by minute, errors, and whether a node exited or was declared dead by the
/// cluster's Orleans membership (a false eviction: no node is killed).
/// </summary>
public sealed class SoakScenario : IScenario
{
    private const int Nodes = 3;
    private const int Streams = 300;
    private const int GroupSize = 10;
    private const int BacklogCap = 3000;

    // Orleans logs a vote to evict a silo and the eviction itself at Information: the soak shows them, and no more.
    private static readonly string[] Settings = ["--Logging:LogLevel:Orleans.Runtime.MembershipService.MembershipTableManager=Information"];
    private const int Publishers = 32;
    private static readonly TimeSpan Bucket = TimeSpan.FromMinutes(1);

    public string Name => "soak";

    public bool Supports(StorageMode mode) => mode != StorageMode.Sqlite; // several nodes need a shared store

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var duration = context.Quick && context.Options.SoakDuration > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : context.Options.SoakDuration;
        var bucket = duration < Bucket * 2 ? TimeSpan.FromSeconds(10) : Bucket;
        await using var cluster = await context.StartHubAsync(Name, Nodes, Settings, cancellationToken);
        var meter = context.Meter(cluster);
        var receiver = context.Receiver;
        var notes = new List<string>();
        var groups = Streams / GroupSize;

        var setup = new DeliveryLedger();
        receiver.Ledger = setup;
        var fleet = await StreamFleet.CreateAsync(cluster.Api(context.Http), "bench-soak", allSubjects: false, Streams,
            receiver.PushUrl, i => EventBodies.GroupSubject(i / GroupSize), cancellationToken);
        await HubFigures.WaitUntilAsync(() => setup.Verifications >= Streams, TimeSpan.FromSeconds(60), cancellationToken);

        var ledger = new DeliveryLedger();
        receiver.Ledger = ledger;
        var publisher = new Publisher(context.Http, cluster.Addresses, fleet.Tenant.TenantId, fleet.Tenant.Token, ledger);
        var load = new BacklogCappedLoad(publisher, n =>
        {
            var txn = string.Create(CultureInfo.InvariantCulture, $"soak-{n}");
            return (txn, EventBodies.SessionRevoked(EventBodies.GroupSubject((int)(n % groups)), txn));
        }, () => ledger.Outstanding, BacklogCap, Publishers, retry: true);

        ScenarioContext.Log($"soak: {duration.TotalMinutes:0.#} min of saturating push load on {Nodes} nodes");
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        var cpu0 = meter.Take();
        var started = Stopwatch.GetTimestamp();
        var buckets = new List<double>();
        var exits = new List<string>();
        var lastDelivered = 0L;
        var nextBucket = bucket;
        while (Stopwatch.GetElapsedTime(started) < duration)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            foreach (var node in cluster.Nodes.Where(n => n.HasExited && !exits.Contains(n.Spec.Name)))
            {
                exits.Add(node.Spec.Name);
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{node.Spec.Name} exited with {node.ExitCode} after {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s."));
            }

            if (Stopwatch.GetElapsedTime(started) >= nextBucket)
            {
                var delivered = ledger.Delivered;
                buckets.Add((delivered - lastDelivered) / bucket.TotalSeconds);
                lastDelivered = delivered;
                nextBucket += bucket;
            }
        }

        var cpu1 = meter.Take();
        await stop.CancelAsync();
        await running;
        await ledger.DrainAsync(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(90), cancellationToken: cancellationToken);
        var cpu = CpuMeter.Between(cpu0, cpu1);
        var deaths = cluster.Nodes.SelectMany(node => node.Log.Deaths.Select(line => $"{node.Spec.Name}: {line}")).ToArray();
        List<Figure> figures =
        [
            new("throughput", "SETs received/s over the whole run", ledger.Delivered / cpu.Seconds, "SETs/s", Better.Higher,
                new Limit("Kestrel requests/s", context.Limits.HttpRequestsPerSecond)),
            new("throughput.min_bucket", $"slowest {bucket.TotalSeconds:0} s bucket", buckets.Count == 0 ? null : buckets.Min(), "SETs/s", Better.Higher),
            new("throughput.max_bucket", $"fastest {bucket.TotalSeconds:0} s bucket", buckets.Count == 0 ? null : buckets.Max(), "SETs/s", Better.Higher),
            new("node_exits", "nodes that exited", exits.Count, "nodes", Better.Lower, Target: Target.Exactly(0)),
            new("silo_deaths", "membership votes to evict a silo, evictions and deaths (log lines)", deaths.Length, "lines", Better.Lower, Target: Target.Exactly(0)),
            new("publish_errors", "failed publish attempts", publisher.Errors.Values.Sum(), "attempts", Better.Lower),
            new("lost", "lost SETs (202 but not received within the drain)", ledger.Outstanding, "SETs", Better.Lower, Target: Target.Exactly(0)),
            new("duplicates", "duplicate deliveries (same jti again)", ledger.DuplicateJtis, "SETs", Better.Lower),
            new("node_errors", "error lines the nodes logged", cluster.Nodes.Sum(n => n.Log.Errors), "lines", Better.Lower),
            HubFigures.CpuPerSet("cpu_per_set", "hub CPU per SET (all nodes)", cpu, ledger.Delivered, context.Limits.CpuPerSetFloorMicroseconds),
            HubFigures.PeakMemory("peak_memory", cluster),
            .. HubFigures.Azurite("soak", "whole run:", cpu, ledger.Delivered),
        ];

        notes.Add($"Throughput per {bucket.TotalSeconds:0} s: " + string.Join(", ", buckets.Select(b => b.ToString("0", CultureInfo.InvariantCulture))) + " SETs/s.");
        notes.AddRange(deaths.Take(20));
        notes.AddRange(HubFigures.LogNotes(cluster));
        return new ScenarioResult(Name, context.ModeName,
            $"{Nodes} nodes on {context.SharedStore}; {Streams} push streams in groups of {GroupSize} (subjects:add); {Publishers} publishers round robin over " +
            $"the nodes with retries, backlog capped at {BacklogCap} SETs, for {duration.TotalMinutes:0.#} min.",
            figures, notes, cluster.ReportedSettings, [new Window("soak", cpu)]);
    }
}
