using System.Diagnostics;
using System.Globalization;
using SetHub.Bench.Api;
using SetHub.Bench.Load;
using SetHub.Bench.Measure;
using SetHub.Bench.Report;

namespace SetHub.Bench.Scenarios;

/// <summary>
/// Failover: three nodes on one shared store (PostgreSQL or Azure Storage), 30 push streams, events published through
/// all nodes round robin at a steady rate (a publish that fails is retried on the next node with the same txn and
/// body), and one node SIGKILLed mid-run: the node that sent the most of the pushes of the last half second, found by
/// the connections they came over, so the kill always cuts deliveries in progress whichever node an engine has push a
/// stream. Measures what is lost (must be nothing), what arrives twice, and how long until every stream receives again.
/// </summary>
public sealed class FailoverScenario : IScenario
{
    private const int Streams = 30;
    private const int Nodes = 3;
    private const int FallbackNode = 1; // when no push came in the last half second
    private const double PublishesPerSecond = 20; // 600 SETs/s: steady, well below saturation

    // The receiver answers after 20 ms, as one across a network would. Pushes then take long enough that every node
    // has pushes in progress at any moment, so the kill always catches streams mid-delivery.
    private static readonly TimeSpan ReceiverDelay = TimeSpan.FromMilliseconds(20);

    private static readonly Size Full = new(BeforeKill: TimeSpan.FromSeconds(10), AfterKill: TimeSpan.FromSeconds(30), Drain: TimeSpan.FromSeconds(40));
    private static readonly Size Small = new(BeforeKill: TimeSpan.FromSeconds(3), AfterKill: TimeSpan.FromSeconds(7), Drain: TimeSpan.FromSeconds(15));

    // Pushes cut by the kill fail fast and are retried soon, so the figures show the take-over, not a backoff. (The
    // pre-Orleans baseline also needed a 5 s LeaseDuration and a 1 s IdleRecheckInterval: it took a dead node's
    // streams over only when their lease ended. The Orleans engine has neither setting.)
    private static readonly string[] Settings =
    [
        "--SetHub:Delivery:RequestTimeout=00:00:01",
        "--SetHub:Delivery:RetryBaseDelay=00:00:00.100",
        "--SetHub:Delivery:MaxRetryDelay=00:00:01",
    ];

    public string Name => "failover";

    public bool Supports(StorageMode mode) => mode != StorageMode.Sqlite; // several nodes need a shared store

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var size = context.Quick ? Small : Full;
        await using var cluster = await context.StartHubAsync(Name, Nodes, Settings, cancellationToken);
        var meter = context.Meter(cluster);
        var receiver = context.Receiver;
        var notes = new List<string>();

        var setup = new DeliveryLedger();
        receiver.Ledger = setup;
        receiver.ResponseDelay = ReceiverDelay;
        receiver.TrackSenders = true;
        var fleet = await StreamFleet.CreateAsync(cluster.Api(context.Http), "bench-failover", allSubjects: true, Streams, receiver.PushUrl, _ => null, cancellationToken);
        await HubFigures.WaitUntilAsync(() => setup.Verifications >= Streams, TimeSpan.FromSeconds(30), cancellationToken);

        var ledger = new DeliveryLedger(keepArrivalsOfStreams: Streams);
        receiver.Ledger = ledger;
        var publisher = new Publisher(context.Http, cluster.Addresses, fleet.Tenant.TenantId, fleet.Tenant.Token, ledger);
        var schedule = new ScheduledLoad(publisher, n =>
        {
            var txn = string.Create(CultureInfo.InvariantCulture, $"failover-{n}");
            return (txn, EventBodies.SessionRevoked(EventBodies.AnySubject(n), txn));
        }, PublishesPerSecond, maxInFlight: 2000, retry: true);

        ScenarioContext.Log($"failover: {PublishesPerSecond * Streams:0} SETs/s through {Nodes} nodes; one is killed after {size.BeforeKill.TotalSeconds:0} s");
        var cpu0 = meter.Take();
        var killedAt = 0L;
        var victim = "";
        var kill = Task.Run(async () =>
        {
            await Task.Delay(size.BeforeKill, cancellationToken);
            var (node, pushes) = Busiest(cluster, receiver);
            killedAt = Stopwatch.GetTimestamp();
            cluster.Nodes[node].Kill();
            victim = $"node {node} ({pushes})";
        }, cancellationToken);
        var scheduled = await schedule.RunAsync(size.BeforeKill + size.AfterKill, cancellationToken);
        var publishingEnded = Stopwatch.GetTimestamp();
        await kill;
        var cpu1 = meter.Take();
        var cpu = CpuMeter.Between(cpu0, cpu1);
        var drained = await ledger.DrainAsync(TimeSpan.FromSeconds(20), size.Drain, cancellationToken: cancellationToken);

        // Per stream: the first SET published after the kill that arrived, and the longest silence around the kill.
        var recoveries = new List<double>();
        var gaps = new List<double>();
        var unrecovered = 0;
        for (var stream = 0; stream < Streams; stream++)
        {
            var arrivals = ledger.ArrivalsOf(stream);
            var first = arrivals.FirstOrDefault(a => a.SentAt > killedAt);
            if (first == default)
            {
                unrecovered++;
            }
            else
            {
                recoveries.Add(Stopwatch.GetElapsedTime(killedAt, first.At).TotalSeconds);
            }

            gaps.Add(LongestGap(arrivals.Select(a => a.At).Where(at => at < publishingEnded), killedAt, publishingEnded));
        }

        var recovery = Samples.Summarize(recoveries);
        var allArrivals = Enumerable.Range(0, Streams).SelectMany(s => ledger.ArrivalsOf(s)).Select(a => a.At).Where(at => at < publishingEnded).Order();
        List<Figure> figures =
        [
            new("lost", "lost SETs (202 but not received within the drain)", ledger.Outstanding, "SETs", Better.Lower, Target: Target.Exactly(0)),
            new("duplicates", "duplicate deliveries (same jti again)", ledger.DuplicateJtis, "SETs", Better.Lower),
            new("duplicate_publishes", "SETs of a retried publish the hub had already accepted", ledger.DuplicatePublishes, "SETs", Better.Lower),
            new("recovery.max", "kill → every stream received a SET published after the kill (max over streams)",
                unrecovered > 0 ? null : recovery.Max, "s", Better.Lower, Target: Target.AtMost(5)),
            new("recovery.p50", "kill → stream receives a SET published after the kill (p50 over streams)", recovery.P50, "s", Better.Lower),
            new("gap.stream_max", "longest silence of one stream after the kill (max over streams)", gaps.Max(), "s", Better.Lower),
            new("gap.all_streams", "longest silence of all streams at once after the kill", LongestGap(allArrivals, killedAt, publishingEnded), "s", Better.Lower),
            new("publish_retries", "publish attempts retried on another node", publisher.Retries, "attempts", Better.Lower),
            new("publish_failures", "publishes never accepted", publisher.Failures, "publishes", Better.Lower),
            HubFigures.PeakMemory("peak_memory", cluster),
            .. HubFigures.Azurite("publishing", "publishing:", cpu, 0),
        ];

        if (unrecovered > 0)
        {
            notes.Add($"{unrecovered} of {Streams} streams received nothing published after the kill.");
        }

        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"{scheduled.Sent} publishes sent, {ledger.Expected} SETs accepted, {ledger.Delivered} delivered; drained in {drained.TotalSeconds:0.0} s. Publish errors: " +
            $"{(publisher.Errors.Count == 0 ? "none" : string.Join(", ", publisher.Errors.Select(e => $"{e.Key} ×{e.Value}")))}."));
        notes.Add($"Killed {victim}.");
        notes.Add($"Scenario settings: {string.Join(' ', Settings)} (the baseline's engine also had LeaseDuration=00:00:05 and IdleRecheckInterval=00:00:01).");
        notes.AddRange(HubFigures.LogNotes(cluster));
        return new ScenarioResult(Name, context.ModeName,
            $"{Nodes} nodes on {context.SharedStore}; {Streams} push streams (one receiver per {StreamFleet.StreamsPerReceiver}) of a tenant with default_subjects ALL; " +
            $"{PublishesPerSecond:0} publishes/s ({PublishesPerSecond * Streams:0} SETs/s) open loop, the receiver answering each push after {ReceiverDelay.TotalMilliseconds:0} ms, round robin over the nodes, retried on the next node after a 5xx or " +
            $"a connection error; after {size.BeforeKill.TotalSeconds:0} s the node that sent most of the last half second's pushes is SIGKILLed, publishing goes on {size.AfterKill.TotalSeconds:0} s more, then up to " +
            $"{size.Drain.TotalSeconds:0} s of drain.",
            figures, notes, cluster.ReportedSettings, [new Window("publishing", cpu)]);
    }

    // The node that sent most of the pushes of the last half second, by the connections they came over.
    private static (int Node, string Pushes) Busiest(Hosting.HubCluster cluster, Receiver.PushReceiver receiver)
    {
        var ports = receiver.SendersSince(Stopwatch.GetTimestamp() - (Stopwatch.Frequency / 2));
        var owners = Measure.SocketOwners.Owners(ports, receiver.Port, cluster.Pids);
        var pushes = ports.Where(owners.ContainsKey).GroupBy(port => owners[port]).ToDictionary(g => g.Key, g => g.Count());
        var busiest = Enumerable.Range(0, cluster.Nodes.Count).MaxBy(i => (pushes.GetValueOrDefault(cluster.Nodes[i].Pid), i));
        var count = pushes.GetValueOrDefault(cluster.Nodes[busiest].Pid);
        return count == 0
            ? (FallbackNode, $"no push in the last half second could be traced to a node: node {FallbackNode} by default")
            : (busiest, $"{count} of the {ports.Count} pushes of the last half second came over its connections");
    }

    // The longest interval without an arrival between the kill and the end of publishing, the edges included.
    private static double LongestGap(IEnumerable<long> arrivals, long from, long until)
    {
        var longest = 0.0;
        var previous = from;
        foreach (var at in arrivals.Where(at => at >= from))
        {
            longest = Math.Max(longest, Stopwatch.GetElapsedTime(previous, at).TotalSeconds);
            previous = at;
        }

        return Math.Max(longest, Stopwatch.GetElapsedTime(previous, until).TotalSeconds);
    }

    private sealed record Size(TimeSpan BeforeKill, TimeSpan AfterKill, TimeSpan Drain);
}
