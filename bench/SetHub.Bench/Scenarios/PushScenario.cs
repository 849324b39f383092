using System.Globalization;
using SetHub.Bench.Api;
using SetHub.Bench.Hosting;
using SetHub.Bench.Limits;
using SetHub.Bench.Load;
using SetHub.Bench.Measure;
using SetHub.Bench.Report;

namespace SetHub.Bench.Scenarios;

/// <summary>
/// Push (RFC 8935): streams whose receivers created them with <c>delivery.method</c> urn:ietf:rfc:8935 and an
/// <c>endpoint_url</c> on the bench's receiver. Streams form groups: each stream adds the e-mail subject of its group
/// with subjects:add, so one publish about that subject reaches exactly the group's streams, and publishes cycle
/// through the groups so every stream gets the same share. Measures (a) the highest sustained delivery rate,
/// (b) publish-to-delivery latency at the issue's fixed offered rate (2,000 SETs/s, open loop), and (c) the same at
/// half of (a): where (b) overloads the hub, (c) still shows its latency without a growing queue.
/// </summary>
public sealed class PushScenario : IScenario
{
    private static readonly Size Full = new(
        Streams: 1000, GroupSize: 10, Warmup: TimeSpan.FromSeconds(5), Window: TimeSpan.FromSeconds(20), BacklogCap: 5_000, Publishers: 32,
        FixedRate: 2000, FixedWarmup: TimeSpan.FromSeconds(3), FixedWindow: TimeSpan.FromSeconds(20), HalfWindow: TimeSpan.FromSeconds(10));

    private static readonly Size Small = new(
        Streams: 100, GroupSize: 10, Warmup: TimeSpan.FromSeconds(1), Window: TimeSpan.FromSeconds(2), BacklogCap: 500, Publishers: 16,
        FixedRate: 500, FixedWarmup: TimeSpan.FromSeconds(1), FixedWindow: TimeSpan.FromSeconds(2), HalfWindow: TimeSpan.FromSeconds(2));

    // Azurite (one Node.js thread) creates streams and delivers SETs at a few hundred per second: half the streams (the
    // same 5 SETs per stream in the backlog) keep the setup under half a minute, and (b) is left out, since 2,000 SETs/s
    // would only grow a queue for minutes; (c), at half of (a), shows the latency.
    private static readonly Size Azure = Full with { Streams = 500, BacklogCap = 2_500, FixedRate = 0 };

    private static readonly TimeSpan DrainQuiet = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);

    public string Name => "push";

    public bool Supports(StorageMode mode) => true;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var size = context.Quick ? Small : context.Mode == StorageMode.AzureStorage ? Azure : Full;
        var groups = size.Streams / size.GroupSize;
        await using var cluster = await context.StartHubAsync(Name, 1, [], cancellationToken);
        var notes = new List<string>();

        // Setup: every new stream gets one verification SET; wait until they are all in, so they are not load.
        var setup = new DeliveryLedger();
        context.Receiver.Ledger = setup;
        ScenarioContext.Log($"push/{context.ModeName}: creating {size.Streams} push streams in {groups} subject groups");
        var fleet = await StreamFleet.CreateAsync(
            cluster.Api(context.Http), "bench-push", allSubjects: false, size.Streams,
            context.Receiver.PushUrl, i => EventBodies.GroupSubject(i / size.GroupSize), cancellationToken);
        if (!await HubFigures.WaitUntilAsync(() => setup.Verifications >= size.Streams, TimeSpan.FromSeconds(60), cancellationToken))
        {
            notes.Add($"Only {setup.Verifications} of {size.Streams} creation verification SETs arrived within 60 s.");
        }

        var run = new Run(context, cluster, fleet, size, groups, cancellationToken);
        ScenarioContext.Log($"push/{context.ModeName}: (a) saturation, {size.Window.TotalSeconds} s after {size.Warmup.TotalSeconds} s warm-up");
        var saturated = await run.SaturateAsync();
        Phase? paced = null;
        if (size.FixedRate > 0)
        {
            ScenarioContext.Log($"push/{context.ModeName}: (b) {size.FixedRate} SETs/s offered for {size.FixedWindow.TotalSeconds} s");
            paced = await run.PaceAsync("fixed", size.FixedRate, size.FixedWindow);
        }

        var halfRate = Math.Max(size.GroupSize, Math.Round(saturated.Rate / 2 / size.GroupSize) * size.GroupSize);
        ScenarioContext.Log($"push/{context.ModeName}: (c) {halfRate} SETs/s offered for {size.HalfWindow.TotalSeconds} s");
        var half = await run.PaceAsync("half", halfRate, size.HalfWindow);

        var limits = context.Limits;
        var floor = new Limit("latency floor", limits.LatencyFloorMs(context.Mode));
        Phase[] phases = paced is null ? [saturated, half] : [saturated, paced, half];
        List<Figure> figures =
        [
            new("max.throughput", "(a) max sustained throughput (SETs received/s)", saturated.Rate, "SETs/s", Better.Higher,
                new Limit("Kestrel requests/s", limits.HttpRequestsPerSecond),
                context.Mode == StorageMode.AzureStorage ? null : Target.AtLeast(4000)), // on Azurite the emulator's limit, not SetHub's: no target
            new("max.publish_rate", "(a) publishes accepted/s", saturated.Rate / size.GroupSize, "publishes/s", Better.Higher, Note: $"{size.GroupSize} SETs each"),
            HubFigures.CpuPerSet("max.cpu_per_set", "(a) hub CPU per SET", saturated.Cpu, saturated.Delivered, limits.CpuPerSetFloorMicroseconds),
            .. HubFigures.Cores("max", "(a)", saturated.Cpu, saturated.Delivered),
            .. paced is null ? [] : PacedFigures("fixed", "(b)", paced, floor, size.FixedRate == 2000 ? Target.AtMost(250) : null, limits), // the issue's target is at 2,000
            .. PacedFigures("half", "(c)", half, floor, null, limits),
            new("lost", "lost SETs (202 but not received within the drain)", phases.Sum(p => p.Ledger.Outstanding), "SETs", Better.Lower, Target: Target.Exactly(0)),
            new("duplicates", "duplicate deliveries (same jti again)", phases.Sum(p => p.Ledger.DuplicateJtis), "SETs", Better.Lower),
            new("setup.streams_per_second", "stream setup rate (create + subjects:add)", fleet.StreamsPerSecond, "streams/s", Better.Higher),
            HubFigures.PeakMemory("peak_memory", cluster),
        ];

        notes.AddRange(phases.Select(p => p.Summary));
        if (context.Receiver.Malformed > 0)
        {
            notes.Add($"{context.Receiver.Malformed} pushes were not SETs the bench could read.");
        }

        notes.AddRange(HubFigures.LogNotes(cluster));
        return new ScenarioResult(Name, context.ModeName,
            $"{size.Streams} push streams (one receiver per {StreamFleet.StreamsPerReceiver}), in {groups} groups of {size.GroupSize}: each stream adds its group's subject " +
            $"(subjects:add), one publish reaches one group, publishes cycle through the groups. (a) {size.Publishers} publishers, backlog capped at {size.BacklogCap} SETs, " +
            $"{size.Window.TotalSeconds:0} s window after {size.Warmup.TotalSeconds:0} s warm-up. " +
            (size.FixedRate > 0
                ? $"(b) {size.FixedRate:0} SETs/s offered open loop for {size.FixedWindow.TotalSeconds:0} s after {size.FixedWarmup.TotalSeconds:0} s warm-up; " +
                  $"latency = receiver arrival − publish send, matched by txn. (c) as (b) at half of (a), for {size.HalfWindow.TotalSeconds:0} s."
                : $"(b), 2,000 SETs/s offered, is left out on Azurite: far above what (a) shows it takes, it would only grow a queue. (c) {size.HalfWindow.TotalSeconds:0} s " +
                  $"at half of (a), offered open loop after {size.FixedWarmup.TotalSeconds:0} s warm-up; latency = receiver arrival − publish send, matched by txn. " +
                  $"{size.Streams} streams instead of the other modes' {Full.Streams:N0}: Azurite creates streams at a few dozen per second."),
            figures, notes, cluster.ReportedSettings, [.. phases.Select(p => new Window(p.Name, p.Cpu))]);
    }

    private static IEnumerable<Figure> PacedFigures(string id, string label, Phase phase, Limit floor, Target? p99Target, RawLimits limits)
    {
        var latency = phase.Ledger.Latency.Summarize();
        return
        [
            new($"{id}.offered", $"{label} offered rate", phase.Offered, "SETs/s", Better.Higher,
                Note: phase.Skipped > 0 ? $"{phase.Skipped} publishes not sent: too many unanswered" : null),
            new($"{id}.delivered", $"{label} delivered rate in the window", phase.Rate, "SETs/s", Better.Higher),
            new($"{id}.p50", $"{label} publish→delivery p50", latency.P50, "ms", Better.Lower, floor),
            new($"{id}.p99", $"{label} publish→delivery p99", latency.P99, "ms", Better.Lower, floor, p99Target),
            new($"{id}.max", $"{label} publish→delivery max", latency.Max, "ms", Better.Lower),
            HubFigures.CpuPerSet($"{id}.cpu_per_set", $"{label} hub CPU per SET", phase.Cpu, phase.Delivered, limits.CpuPerSetFloorMicroseconds),
            .. HubFigures.Cores(id, label, phase.Cpu, phase.Delivered),
            new($"{id}.generator_lag_p99", $"{label} generator lag behind schedule p99", phase.Lag, "ms", Better.Lower,
                Note: "the generator's own health: large means the offered rate was not really offered"),
        ];
    }

    /// <summary>One phase's measurement: its ledger, the SETs delivered and the CPU used inside its window.</summary>
    private sealed record Phase(string Name, DeliveryLedger Ledger, long Delivered, CpuUsage Cpu, double Offered, long Skipped, double Lag, string Summary)
    {
        public double Rate => Delivered / Cpu.Seconds;
    }

    /// <summary>The phases of one run, on one hub and one set of streams.</summary>
    private sealed class Run(ScenarioContext context, HubCluster cluster, StreamFleet fleet, Size size, int groups, CancellationToken cancellationToken)
    {
        private readonly CpuMeter _meter = context.Meter(cluster);

        // As fast as the hub delivers, with a bounded backlog: 5 SETs per stream, so every stream has work (and an engine
    // that sends several SETs per request or claim finds them), while the queue stays shallow and the drain short.
        public async Task<Phase> SaturateAsync()
        {
            var (ledger, publisher) = Start();
            var load = new BacklogCappedLoad(publisher, Plan("max"), () => ledger.Outstanding, size.BacklogCap, size.Publishers, retry: false);
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(stop.Token);
            await Task.Delay(size.Warmup, cancellationToken);
            var (delivered0, cpu0) = (ledger.Delivered, _meter.Take());
            load.ResetMeanBacklog();
            await Task.Delay(size.Window, cancellationToken);
            var (delivered1, cpu1) = (ledger.Delivered, _meter.Take());
            var backlog = load.MeanBacklog;
            await stop.CancelAsync();
            await running;
            return await FinishAsync(string.Create(CultureInfo.InvariantCulture, $"(a) saturation (mean backlog {backlog:0} of {size.BacklogCap} SETs)"),
                ledger, publisher, delivered1 - delivered0, CpuMeter.Between(cpu0, cpu1), double.NaN, 0, double.NaN);
        }

        // A fixed offered rate, open loop: latency from each publish's send to each of its SETs' arrival.
        public async Task<Phase> PaceAsync(string name, double setsPerSecond, TimeSpan window)
        {
            var (ledger, publisher) = Start();
            var schedule = new ScheduledLoad(publisher, Plan(name), setsPerSecond / size.GroupSize, maxInFlight: 4000);
            var (scheduled, delivered, cpu) = await schedule.RunMeasuredAsync(size.FixedWarmup, window, ledger, () => ledger.Delivered, _meter, cancellationToken);
            var offered = scheduled.Sent * size.GroupSize / (size.FixedWarmup + window).TotalSeconds;
            return await FinishAsync(string.Create(CultureInfo.InvariantCulture, $"{name} rate ({setsPerSecond:0} SETs/s)"),
                ledger, publisher, delivered, cpu, offered, scheduled.Skipped, scheduled.Lag.P99);
        }

        private (DeliveryLedger Ledger, Publisher Publisher) Start()
        {
            var ledger = new DeliveryLedger();
            context.Receiver.Ledger = ledger;
            return (ledger, new Publisher(context.Http, cluster.Addresses, fleet.Tenant.TenantId, fleet.Tenant.Token, ledger));
        }

        // Whatever was accepted is waited for, so the next phase starts on an empty queue and losses are counted.
        private async Task<Phase> FinishAsync(
            string name, DeliveryLedger ledger, Publisher publisher, long delivered, CpuUsage cpu, double offered, long skipped, double lag)
        {
            var drained = await ledger.DrainAsync(DrainQuiet, DrainLimit, cancellationToken: cancellationToken);
            var refused = publisher.Failures == 0 ? string.Empty
                : $" {publisher.Failures} publishes refused ({string.Join(", ", publisher.Errors.Select(e => $"{e.Key} ×{e.Value}"))}).";
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"{name}: {ledger.Delivered} SETs delivered, {ledger.Latency.Count} latency samples, drained in {drained.TotalSeconds:0.0} s.{refused}");
            return new Phase(name, ledger, delivered, cpu, offered, skipped, lag, summary);
        }

        private PublishPlan Plan(string phase) => n =>
        {
            var txn = string.Create(CultureInfo.InvariantCulture, $"{phase}-{n}");
            return (txn, EventBodies.SessionRevoked(EventBodies.GroupSubject((int)(n % groups)), txn));
        };
    }

    private sealed record Size(
        int Streams, int GroupSize, TimeSpan Warmup, TimeSpan Window, long BacklogCap, int Publishers,
        double FixedRate, TimeSpan FixedWarmup, TimeSpan FixedWindow, TimeSpan HalfWindow);
}
