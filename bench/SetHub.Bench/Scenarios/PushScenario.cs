using System.Globalization;
using SetHub.Bench.Api;
using SetHub.Bench.Load;
using SetHub.Bench.Measure;
using SetHub.Bench.Report;

namespace SetHub.Bench.Scenarios;

/// <summary>
/// Push (RFC 8935): streams whose receivers created them with <c>delivery.method</c> urn:ietf:rfc:8935 and an
/// <c>endpoint_url</c> on the bench's receiver. Streams form groups: each stream adds the e-mail subject of its group
/// with subjects:add, so one publish about that subject reaches exactly the group's streams, and publishes cycle
/// through the groups so every stream gets the same share. Measures (a) the highest sustained delivery rate and
/// (b) publish-to-delivery latency at a fixed offered rate, open loop.
/// </summary>
public sealed class PushScenario : IScenario
{
    private static readonly Size Full = new(
        Streams: 1000, GroupSize: 10, Warmup: TimeSpan.FromSeconds(5), Window: TimeSpan.FromSeconds(20), BacklogCap: 5000, Publishers: 16,
        FixedRate: 2000, FixedWarmup: TimeSpan.FromSeconds(3), FixedWindow: TimeSpan.FromSeconds(20));

    private static readonly Size Small = new(
        Streams: 200, GroupSize: 10, Warmup: TimeSpan.FromSeconds(2), Window: TimeSpan.FromSeconds(5), BacklogCap: 2000, Publishers: 8,
        FixedRate: 2000, FixedWarmup: TimeSpan.FromSeconds(1), FixedWindow: TimeSpan.FromSeconds(5));

    private static readonly TimeSpan DrainQuiet = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);

    public string Name => "push";

    public bool Supports(StorageMode mode) => true;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var size = context.Quick ? Small : Full;
        var groups = size.Streams / size.GroupSize;
        await using var cluster = await context.StartHubAsync(Name, 1, [], cancellationToken);
        var meter = context.Meter(cluster);
        var receiver = context.Receiver;
        var notes = new List<string>();
        var windows = new List<Window>();

        // Setup: every new stream gets one verification SET; wait until they are all in, so they are not load.
        var setup = new DeliveryLedger();
        receiver.Ledger = setup;
        ScenarioContext.Log($"push/{context.ModeName}: creating {size.Streams} push streams in {groups} subject groups");
        var fleet = await StreamFleet.CreateAsync(
            cluster.Api(context.Http), "bench-push", allSubjects: false, size.Streams,
            receiver.PushUrl, i => EventBodies.GroupSubject(i / size.GroupSize), cancellationToken);
        if (!await HubFigures.WaitUntilAsync(() => setup.Verifications >= size.Streams, TimeSpan.FromSeconds(60), cancellationToken))
        {
            notes.Add($"Only {setup.Verifications} of {size.Streams} creation verification SETs arrived within 60 s.");
        }

        PublishPlan Plan(string phase) => n =>
        {
            var txn = string.Create(CultureInfo.InvariantCulture, $"{phase}-{n}");
            return (txn, EventBodies.SessionRevoked(EventBodies.GroupSubject((int)(n % groups)), txn));
        };

        // (a) Saturation: as fast as the hub delivers, with a bounded backlog.
        ScenarioContext.Log($"push/{context.ModeName}: saturation, {size.Window.TotalSeconds} s after {size.Warmup.TotalSeconds} s warm-up");
        var saturated = new DeliveryLedger();
        receiver.Ledger = saturated;
        var publisher = new Publisher(context.Http, cluster.Addresses, fleet.Tenant.TenantId, fleet.Tenant.Token, saturated);
        var load = new BacklogCappedLoad(publisher, Plan("max"), () => saturated.Outstanding, size.BacklogCap, size.Publishers, retry: false);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        await Task.Delay(size.Warmup, cancellationToken);
        var (delivered0, cpu0) = (saturated.Delivered, meter.Take());
        var published0 = load.Accepted;
        await Task.Delay(size.Window, cancellationToken);
        var (delivered1, cpu1) = (saturated.Delivered, meter.Take());
        var published1 = load.Accepted;
        await stop.CancelAsync();
        await running;
        var drainA = await saturated.DrainAsync(DrainQuiet, DrainLimit, cancellationToken: cancellationToken);
        var cpuA = CpuMeter.Between(cpu0, cpu1);
        windows.Add(new Window("saturation", cpuA));
        var maxRate = (delivered1 - delivered0) / cpuA.Seconds;

        // (b) Fixed offered rate, open loop: latency from each publish's send to each of its SETs' arrival.
        ScenarioContext.Log($"push/{context.ModeName}: {size.FixedRate} SETs/s offered for {size.FixedWindow.TotalSeconds} s");
        var paced = new DeliveryLedger();
        receiver.Ledger = paced;
        var pacedPublisher = new Publisher(context.Http, cluster.Addresses, fleet.Tenant.TenantId, fleet.Tenant.Token, paced);
        var schedule = new ScheduledLoad(pacedPublisher, Plan("fixed"), size.FixedRate / size.GroupSize, maxInFlight: 4000);
        CpuSnapshot? fixed0 = null;
        long fixedDelivered0 = 0;
        var windowStart = Task.Run(async () =>
        {
            await Task.Delay(size.FixedWarmup, cancellationToken);
            paced.StartLatencyWindow();
            fixedDelivered0 = paced.Delivered;
            fixed0 = meter.Take();
        }, cancellationToken);
        var scheduled = await schedule.RunAsync(size.FixedWarmup + size.FixedWindow, cancellationToken);
        paced.EndLatencyWindow();
        await windowStart;
        var fixed1 = meter.Take();
        var fixedDelivered1 = paced.Delivered;
        var drainB = await paced.DrainAsync(DrainQuiet, DrainLimit, cancellationToken: cancellationToken);
        var cpuB = CpuMeter.Between(fixed0!, fixed1);
        windows.Add(new Window("fixed rate", cpuB));
        var latency = paced.Latency.Summarize();

        var limits = context.Limits;
        var lost = saturated.Outstanding + paced.Outstanding;
        List<Figure> figures =
        [
            new("max.throughput", "(a) max sustained throughput (SETs received/s)", maxRate, "SETs/s", Better.Higher,
                new Limit("Kestrel requests/s", limits.HttpRequestsPerSecond), Target.AtLeast(4000)),
            new("max.publish_rate", "(a) publishes accepted/s", (published1 - published0) / cpuA.Seconds, "publishes/s", Better.Higher,
                Note: $"{size.GroupSize} SETs each"),
            HubFigures.CpuPerSet("max.cpu_per_set", "(a) hub CPU per SET", cpuA, delivered1 - delivered0, limits.CpuPerSetFloorMicroseconds),
            .. HubFigures.Cores("max", "(a)", cpuA),
            new("fixed.offered", "(b) offered rate", scheduled.Sent * size.GroupSize / (size.FixedWarmup + size.FixedWindow).TotalSeconds, "SETs/s", Better.Higher,
                Note: scheduled.Skipped > 0 ? $"{scheduled.Skipped} publishes not sent: too many unanswered" : null),
            new("fixed.delivered", "(b) delivered rate in the window", (fixedDelivered1 - fixedDelivered0) / cpuB.Seconds, "SETs/s", Better.Higher),
            new("fixed.p50", "(b) publish→delivery p50", latency.P50, "ms", Better.Lower, new Limit("latency floor", limits.LatencyFloorMs(context.Mode))),
            new("fixed.p99", "(b) publish→delivery p99", latency.P99, "ms", Better.Lower, new Limit("latency floor", limits.LatencyFloorMs(context.Mode)), Target.AtMost(250)),
            new("fixed.max", "(b) publish→delivery max", latency.Max, "ms", Better.Lower),
            HubFigures.CpuPerSet("fixed.cpu_per_set", "(b) hub CPU per SET", cpuB, fixedDelivered1 - fixedDelivered0, limits.CpuPerSetFloorMicroseconds),
            .. HubFigures.Cores("fixed", "(b)", cpuB),
            new("fixed.generator_lag_p99", "(b) generator lag behind schedule p99", scheduled.Lag.P99, "ms", Better.Lower,
                Note: "the generator's own health: large means the offered rate was not really offered"),
            new("lost", "lost SETs (202 but not received within the drain)", lost, "SETs", Better.Lower, Target: Target.Exactly(0)),
            new("duplicates", "duplicate deliveries (same jti again)", saturated.DuplicateJtis + paced.DuplicateJtis, "SETs", Better.Lower),
            new("setup.streams_per_second", "stream setup rate (create + subjects:add)", fleet.StreamsPerSecond, "streams/s", Better.Higher),
            HubFigures.PeakMemory("peak_memory", cluster),
        ];

        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"(a) {saturated.Delivered} SETs delivered in all; drained in {drainA.TotalSeconds:0.0} s. (b) {paced.Delivered} SETs over {paced.Latency.Count} latency samples; drained in {drainB.TotalSeconds:0.0} s."));
        if (publisher.Failures + pacedPublisher.Failures > 0)
        {
            notes.Add($"Publishes refused: {publisher.Failures + pacedPublisher.Failures} ({Errors(publisher, pacedPublisher)}).");
        }

        if (receiver.Malformed > 0)
        {
            notes.Add($"{receiver.Malformed} pushes were not SETs the bench could read.");
        }

        notes.AddRange(HubFigures.LogNotes(cluster));
        receiver.Ledger = null;
        return new ScenarioResult(Name, context.ModeName,
            $"{size.Streams} push streams (one receiver per {StreamFleet.StreamsPerReceiver}), in {groups} groups of {size.GroupSize}: each stream adds its group's subject " +
            $"(subjects:add), one publish reaches one group. (a) {size.Publishers} publishers, backlog capped at {size.BacklogCap} SETs, {size.Window.TotalSeconds:0} s window " +
            $"after {size.Warmup.TotalSeconds:0} s warm-up. (b) {size.FixedRate:0} SETs/s offered open loop ({size.FixedRate / size.GroupSize:0} publishes/s) for " +
            $"{size.FixedWindow.TotalSeconds:0} s after {size.FixedWarmup.TotalSeconds:0} s warm-up.",
            figures, notes, cluster.ReportedSettings, windows);
    }

    private static string Errors(params Publisher[] publishers) => string.Join(", ",
        publishers.SelectMany(p => p.Errors).GroupBy(e => e.Key).Select(g => $"{g.Key}: {g.Sum(e => e.Value)}"));

    private sealed record Size(
        int Streams, int GroupSize, TimeSpan Warmup, TimeSpan Window, long BacklogCap, int Publishers,
        double FixedRate, TimeSpan FixedWarmup, TimeSpan FixedWindow);
}
