using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using SetHub.Bench.Api;
using SetHub.Bench.Load;
using SetHub.Bench.Measure;
using SetHub.Bench.Report;

namespace SetHub.Bench.Scenarios;

/// <summary>
/// Cross-node wake-up: three nodes on one shared store (PostgreSQL or Azure Storage) and one poll stream per subject,
/// each with a long poll always waiting on the same node (stream i's on node i % 3), while events are published open
/// loop, each reaching exactly one stream and sent through another node than the one its poll waits on. Measures the
/// issue's requirement: a long poll waiting on one node is answered within 50 ms (p99) of the 202 of a publish made
/// through another node.
/// </summary>
public sealed class CrossNodeScenario : IScenario
{
    private const int Nodes = 3;
    private const int MaxEvents = 10;

    // One SET per publish, far below saturation: the figure is the wake-up across nodes, not a queue.
    private const double PublishesPerSecond = 50;

    private static readonly Size Full = new(Streams: 300, Idle: TimeSpan.FromSeconds(3), Warmup: TimeSpan.FromSeconds(3), Window: TimeSpan.FromSeconds(20));
    private static readonly Size Small = new(Streams: 30, Idle: TimeSpan.FromSeconds(1), Warmup: TimeSpan.FromSeconds(1), Window: TimeSpan.FromSeconds(2));
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan PollsArrive = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan QuietLimit = TimeSpan.FromSeconds(30);

    // Quiet: the nodes use under 0.05 cores each.
    private const double QuietCores = 0.05 * Nodes;

    // Nothing may time out or come back for redelivery while the polls wait: every answer is a wake-up by a publish.
    private static readonly string[] Settings = ["--SetHub:Poll:LongPollTimeout=00:10:00", "--SetHub:Poll:RedeliveryInterval=00:30:00"];

    public string Name => "crossnode";

    public bool Supports(StorageMode mode) => mode != StorageMode.Sqlite; // several nodes need a shared store

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var size = context.Quick ? Small : Full;
        var count = size.Streams;
        await using var cluster = await context.StartHubAsync(Name, Nodes, Settings, cancellationToken);
        var meter = context.Meter(cluster);
        var notes = new List<string>();

        // Stream i adds its own subject, so one publish about it reaches stream i alone.
        ScenarioContext.Log($"crossnode: creating {count} poll streams, one subject each");
        var fleet = await StreamFleet.CreateAsync(
            cluster.Api(context.Http), "bench-crossnode", allSubjects: false, count, _ => null, EventBodies.GroupSubject, cancellationToken);
        var streams = fleet.Streams.Select(stream => PolledOn(stream, cluster.Addresses[PollNode(stream.Index)])).ToArray();
        var verifications = await PollScenario.TakeVerificationsAsync(context.Http, streams, cancellationToken);

        // The polls get their own connections, so a publish never waits for a pooled connection a poll holds, and each
        // waiting poll shows as one more socket on its node.
        using var polls = BenchHttp.Create(maxConnections: count + 100);
        var descriptorsBefore = Descriptors(cluster);
        var ledger = new DeliveryLedger(keepPublishTimes: true);
        using var pollers = new Pollers(polls, streams, ledger, MaxEvents);
        pollers.Start(verifications);
        if (!await HubFigures.WaitUntilAsync(() => Descriptors(cluster) - descriptorsBefore >= count, PollsArrive, cancellationToken))
        {
            notes.Add($"Only {Descriptors(cluster) - descriptorsBefore} of {count} polls had reached their nodes after {PollsArrive.TotalSeconds:0} s; publishing started anyway.");
        }

        // Fresh nodes keep working for a while after the setup (compiling, warming up): the windows start once they are
        // quiet, so the idle figure is what three nodes cost with the polls waiting and nothing published, and the
        // CPU per SET is the SETs' and that.
        var (quietAfter, quietCores) = await WaitUntilQuietAsync(meter, cancellationToken);
        notes.Add(quietCores < QuietCores
            ? string.Create(CultureInfo.InvariantCulture, $"The nodes were quiet ({quietCores:0.00} cores over one second) {quietAfter.TotalSeconds:0} s after the polls arrived.")
            : string.Create(CultureInfo.InvariantCulture, $"The nodes were not quiet after {quietAfter.TotalSeconds:0} s ({quietCores:0.00} cores over the last second): measured anyway."));
        var idle0 = meter.Take();
        await Task.Delay(size.Idle, cancellationToken);
        var idle = CpuMeter.Between(idle0, meter.Take());

        // The publish of stream i goes through the node after its poll's: never the node the poll waits on.
        var nodeOfTxn = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        PublishPlan plan = n =>
        {
            var stream = (int)(n % count);
            var txn = string.Create(CultureInfo.InvariantCulture, $"crossnode-{n}");
            nodeOfTxn[txn] = PublishNode(stream);
            return (txn, EventBodies.SessionRevoked(EventBodies.GroupSubject(stream), txn));
        };
        var publisher = new Publisher(context.Http, cluster.Addresses, fleet.Tenant.TenantId, fleet.Tenant.Token, ledger, route: txn => nodeOfTxn[txn]);
        var schedule = new ScheduledLoad(publisher, plan, PublishesPerSecond, maxInFlight: 2000);

        ScenarioContext.Log($"crossnode: {PublishesPerSecond:0} publishes/s for {size.Window.TotalSeconds:0} s after {size.Warmup.TotalSeconds:0} s warm-up");
        var (scheduled, deliveredInWindow, cpu) = await schedule.RunMeasuredAsync(size.Warmup, size.Window, ledger, () => ledger.Delivered, meter, cancellationToken);
        var drained = await ledger.DrainAsync(Drain, Drain, cancellationToken: cancellationToken);
        await pollers.StopAsync();

        // An answer read before its publish's 202 is a wake-up within 0 ms of the 202: it counts as 0, and is noted.
        var times = ledger.PublishTimesInLatencyWindow();
        var wakes = times.Where(t => t.AcceptedAt is not null && t.ArrivedAt is not null)
            .Select(t => (t.Txn, Ms: Stopwatch.GetElapsedTime(t.AcceptedAt!.Value, t.ArrivedAt!.Value).TotalMilliseconds)).ToArray();
        var wake = Samples.Summarize(wakes.Select(w => Math.Max(0, w.Ms)));
        var publish = Samples.Summarize(times.Where(t => t.AcceptedAt is not null)
            .Select(t => Stopwatch.GetElapsedTime(t.SentAt, t.AcceptedAt!.Value).TotalMilliseconds));
        var answer = ledger.Latency.Summarize();

        var limits = context.Limits;
        var floor = new Limit("latency floor", limits.LatencyFloorMs(context.Mode));
        var roundTrip = new Limit("1 HTTP round trip", limits.HttpRoundTripMs);
        List<Figure> figures =
        [
            new("wake.p50", "publish's 202 → poll answer on another node, p50", wake.P50, "ms", Better.Lower, roundTrip),
            new("wake.p99", "publish's 202 → poll answer on another node, p99", wake.P99, "ms", Better.Lower, roundTrip, Target.AtMost(50)),
            new("wake.max", "publish's 202 → poll answer on another node, max", wake.Max, "ms", Better.Lower, roundTrip),
            new("answer.p50", "publish → poll answer, p50", answer.P50, "ms", Better.Lower, floor),
            new("answer.p99", "publish → poll answer, p99", answer.P99, "ms", Better.Lower, floor),
            new("publish.p50", "publish → 202, p50", publish.P50, "ms", Better.Lower),
            new("publish.p99", "publish → 202, p99", publish.P99, "ms", Better.Lower),
            new("offered", "offered rate", scheduled.Sent / (size.Warmup + size.Window).TotalSeconds, "publishes/s", Better.Higher,
                Note: scheduled.Skipped > 0 ? $"{scheduled.Skipped} publishes not sent: too many unanswered" : "one SET each"),
            new("delivered", "SETs polled", ledger.Delivered, "SETs", Better.Higher, Note: $"of {ledger.Expected} accepted, warm-up included"),
            new("lost", "lost SETs (202 but never polled within the drain)", ledger.Outstanding, "SETs", Better.Lower, Target: Target.Exactly(0)),
            new("duplicates", "duplicate deliveries (same jti again)", ledger.DuplicateJtis, "SETs", Better.Lower),
            HubFigures.CpuPerSet("cpu_per_set", "hub CPU per SET", cpu, deliveredInWindow, limits.CpuPerSetFloorMicroseconds),
            .. HubFigures.Cores("window", "window:", cpu, deliveredInWindow),
            new("idle_cores", "hub CPU with the polls waiting, nothing published", idle.HubCores, "cores", Better.Lower,
                Note: $"{Nodes} nodes, {size.Idle.TotalSeconds:0} s once quiet, before publishing"),
            new("generator_lag_p99", "generator lag behind schedule p99", scheduled.Lag.P99, "ms", Better.Lower,
                Note: "the generator's own health: large means the offered rate was not really offered"),
            HubFigures.PeakMemory("peak_memory", cluster),
        ];

        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"{scheduled.Sent} publishes sent, {ledger.Expected} SETs accepted, {ledger.Delivered} polled; drained in {drained.TotalSeconds:0.0} s; " +
            $"{wakes.Length} wake-up samples in the window; {pollers.Errors} failed polls."));
        var early = wakes.Where(w => w.Ms < 0).Select(w => -w.Ms).ToArray();
        notes.Add(early.Length == 0
            ? "No poll answer arrived before its publish's 202."
            : string.Create(CultureInfo.InvariantCulture,
                $"{early.Length} of {wakes.Length} poll answers arrived before their publish's 202 was read (by up to {early.Max():0.0} ms): counted as 0 ms in the wake-up figures."));
        notes.Add("Wake-up p99 by publish node → poll node: " + string.Join(", ", wakes
            .GroupBy(w => nodeOfTxn[w.Txn])
            .OrderBy(g => g.Key)
            .Select(g => string.Create(CultureInfo.InvariantCulture,
                $"node {g.Key} → node {PollNode(g.Key + Nodes - 1)}: {Samples.Summarize(g.Select(w => Math.Max(0, w.Ms))).P99:0.0} ms ({g.Count()})"))) + ".");
        if (publisher.Failures > 0)
        {
            notes.Add($"Publishes refused: {publisher.Failures} ({string.Join(", ", publisher.Errors.Select(e => $"{e.Key} ×{e.Value}"))}).");
        }

        notes.AddRange(HubFigures.LogNotes(cluster));
        return new ScenarioResult(Name, context.ModeName,
            $"{Nodes} nodes on {context.SharedStore}; {count} poll streams (one receiver per {StreamFleet.StreamsPerReceiver}), each adding its own subject " +
            $"(subjects:add), so one publish reaches one stream. Stream i's poller long-polls (maxEvents {MaxEvents}, returnImmediately false, acknowledging " +
            $"the previous answer) node i % {Nodes} only, after taking the stream's verification SET. Once the polls wait and the nodes are quiet, {size.Idle.TotalSeconds:0} s of idle CPU, then {PublishesPerSecond:0} publishes/s open loop, round robin " +
            $"over the streams, each through node (i % {Nodes} + 1) % {Nodes}, never the one its poll waits on, for {size.Window.TotalSeconds:0} s after " +
            $"{size.Warmup.TotalSeconds:0} s warm-up, then up to {Drain.TotalSeconds:0} s of drain. Wake-up = the poll answer carrying the SET read − the publish's " +
            "202 read, matched by txn; an answer read before its 202 counts as 0 ms (their number is noted). A wake-up the other node never hears of shows " +
            "as the hub's own recheck interval (Poll:RecheckInterval, 5 s by default).",
            figures, notes, cluster.ReportedSettings, [new Window("polls waiting, idle", idle), new Window("publishing", cpu)]);
    }

    // Waits until the nodes used under QuietCores over one second, or QuietLimit passed: how long, and that second's cores.
    private static async Task<(TimeSpan Waited, double Cores)> WaitUntilQuietAsync(CpuMeter meter, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var start = meter.Take();
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var cores = CpuMeter.Between(start, meter.Take()).HubCores;
            if (cores < QuietCores || Stopwatch.GetElapsedTime(started) >= QuietLimit)
            {
                return (Stopwatch.GetElapsedTime(started), cores);
            }
        }
    }

    /// <summary>The node stream <paramref name="stream"/>'s polls wait on.</summary>
    private static int PollNode(int stream) => stream % Nodes;

    /// <summary>The node stream <paramref name="stream"/>'s publishes go through: the next one, never the poll's.</summary>
    private static int PublishNode(int stream) => (PollNode(stream) + 1) % Nodes;

    // The stream's endpoint_url names the public base URL (node 0's): its path on the given node instead.
    private static StreamInfo PolledOn(StreamInfo stream, Uri node) => stream with
    {
        PollUrl = new UriBuilder(stream.PollUrl!) { Scheme = node.Scheme, Host = node.Host, Port = node.Port }.Uri.ToString(),
    };

    private static int Descriptors(Hosting.HubCluster cluster) => cluster.Pids.Sum(pid => ProcFs.OpenDescriptors(pid) ?? 0);

    private sealed record Size(int Streams, TimeSpan Idle, TimeSpan Warmup, TimeSpan Window);
}
