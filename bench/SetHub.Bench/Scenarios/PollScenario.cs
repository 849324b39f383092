using System.Globalization;
using SetHub.Bench.Api;
using SetHub.Bench.Load;
using SetHub.Bench.Measure;
using SetHub.Bench.Report;

namespace SetHub.Bench.Scenarios;

/// <summary>
/// Poll (RFC 8936): a tenant with <c>default_subjects</c> ALL and N poll streams, so every publish reaches all N.
/// One poller per stream long-polls <c>{"maxEvents":100,"returnImmediately":false,"ack":[…]}</c>, acknowledging the
/// previous answer. Measures (a) acknowledged SETs per second under saturating load, (b) publish-to-poll-answer
/// latency at a fixed offered rate, open loop.
/// </summary>
public sealed class PollScenario(int streams) : IScenario
{
    private const int MaxEvents = 100;
    private const int DefaultStreams = 20;

    private static readonly Size Full = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), Publishers: 32, FixedRate: 2000,
        FixedWarmup: TimeSpan.FromSeconds(2), FixedWindow: TimeSpan.FromSeconds(10));

    private static readonly Size Small = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), Publishers: 8, FixedRate: 500,
        FixedWarmup: TimeSpan.FromSeconds(1), FixedWindow: TimeSpan.FromSeconds(2));

    // Azurite (one Node.js thread) acknowledges a few hundred SETs per second: 2,000 SETs/s offered would only grow a
    // queue, so (b) offers half of what (a) measured instead (FixedRate 0).
    private static readonly Size Azure = Full with { FixedRate = 0 };

    private static readonly TimeSpan DrainQuiet = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);

    /// <summary>"poll" for the default 20 streams (today's figure), "poll-N" for other counts.</summary>
    public string Name => streams == DefaultStreams ? "poll" : $"poll-{streams}";

    public bool Supports(StorageMode mode) => true;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var size = context.Quick ? Small : context.Mode == StorageMode.AzureStorage ? Azure : Full;
        var backlogCap = streams * MaxEvents * 3L; // every poll answer can be full
        await using var cluster = await context.StartHubAsync(Name, 1, [], cancellationToken);
        var meter = context.Meter(cluster);
        var notes = new List<string>();
        var windows = new List<Window>();

        ScenarioContext.Log($"{Name}/{context.ModeName}: creating {streams} poll streams");
        var fleet = await StreamFleet.CreateAsync(cluster.Api(context.Http), "bench-poll", allSubjects: true, streams, _ => null, _ => null, cancellationToken);
        var verifications = await TakeVerificationsAsync(context.Http, fleet.Streams, cancellationToken);

        PublishPlan Plan(string phase) => n =>
        {
            var txn = string.Create(CultureInfo.InvariantCulture, $"{phase}-{n}");
            return (txn, EventBodies.SessionRevoked(EventBodies.AnySubject(n), txn));
        };

        // (a) Saturation.
        ScenarioContext.Log($"{Name}/{context.ModeName}: saturation, {size.Window.TotalSeconds} s");
        var saturated = new DeliveryLedger();
        using var pollers = new Pollers(context.Http, fleet.Streams, saturated, MaxEvents);
        pollers.Start(verifications);
        var publisher = new Publisher(context.Http, cluster.Addresses, fleet.Tenant.TenantId, fleet.Tenant.Token, saturated);
        var load = new BacklogCappedLoad(publisher, Plan("max"), () => saturated.Expected - saturated.Acknowledged, backlogCap, size.Publishers, retry: false);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        await Task.Delay(size.Warmup, cancellationToken);
        var (acked0, cpu0) = (saturated.Acknowledged, meter.Take());
        load.ResetMeanBacklog();
        await Task.Delay(size.Window, cancellationToken);
        var (acked1, cpu1) = (saturated.Acknowledged, meter.Take());
        var backlog = load.MeanBacklog;
        await stop.CancelAsync();
        await running;
        await saturated.DrainAsync(DrainQuiet, DrainLimit, cancellationToken: cancellationToken);
        await pollers.StopAsync();
        var cpuA = CpuMeter.Between(cpu0, cpu1);
        windows.Add(new Window("saturation", cpuA));
        var ackedInWindow = acked1 - acked0;
        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"(a) {saturated.Acknowledged} SETs acknowledged in all; mean backlog {backlog:0} of {backlogCap} SETs; {pollers.Errors} failed polls."));

        // (b) Fixed offered rate (on Azurite, half of (a), in whole publishes).
        var fixedRate = size.FixedRate > 0 ? size.FixedRate : Math.Max(streams, Math.Round(ackedInWindow / cpuA.Seconds / 2 / streams) * streams);
        ScenarioContext.Log($"{Name}/{context.ModeName}: {fixedRate} SETs/s offered for {size.FixedWindow.TotalSeconds} s");
        var paced = new DeliveryLedger();
        using var pacedPollers = new Pollers(context.Http, fleet.Streams, paced, MaxEvents);
        pacedPollers.Start();
        var pacedPublisher = new Publisher(context.Http, cluster.Addresses, fleet.Tenant.TenantId, fleet.Tenant.Token, paced);
        var schedule = new ScheduledLoad(pacedPublisher, Plan("fixed"), fixedRate / streams, maxInFlight: 4000);
        var (scheduled, fixedAcked, cpuB) = await schedule.RunMeasuredAsync(size.FixedWarmup, size.FixedWindow, paced, () => paced.Acknowledged, meter, cancellationToken);
        await paced.DrainAsync(DrainQuiet, DrainLimit, cancellationToken: cancellationToken);
        await pacedPollers.StopAsync();
        windows.Add(new Window("fixed rate", cpuB));
        var latency = paced.Latency.Summarize();

        var limits = context.Limits;
        var pollCpuFloor = limits.SignatureCpuMicroseconds + (limits.HttpCpuMicroseconds / MaxEvents);
        List<Figure> figures =
        [
            new("max.throughput", "(a) acknowledged SETs/s", ackedInWindow / cpuA.Seconds, "SETs/s", Better.Higher,
                new Limit($"{context.ModeName} insert rows/s", limits.InsertRowsPerSecond(context.Mode)),
                context.Mode == StorageMode.AzureStorage ? null : Target.AtLeast(5000)), // on Azurite the emulator's limit, not SetHub's: no target
            new("max.cpu_per_set", "(a) hub CPU per SET", ackedInWindow > 0 ? cpuA.HubSeconds * 1e6 / ackedInWindow : null, "µs/SET", Better.Lower,
                new Limit("signature + 1/100 request, CPU", pollCpuFloor)),
            .. HubFigures.Cores("max", "(a)", cpuA, ackedInWindow),
            new("fixed.offered", "(b) offered rate", scheduled.Sent * streams / (size.FixedWarmup + size.FixedWindow).TotalSeconds, "SETs/s", Better.Higher),
            new("fixed.acknowledged", "(b) acknowledged rate in the window", fixedAcked / cpuB.Seconds, "SETs/s", Better.Higher),
            new("fixed.p50", "(b) publish→poll answer p50", latency.P50, "ms", Better.Lower, new Limit("latency floor", limits.LatencyFloorMs(context.Mode))),
            new("fixed.p99", "(b) publish→poll answer p99", latency.P99, "ms", Better.Lower, new Limit("latency floor", limits.LatencyFloorMs(context.Mode))),
            new("fixed.max", "(b) publish→poll answer max", latency.Max, "ms", Better.Lower),
            new("fixed.cpu_per_set", "(b) hub CPU per SET", fixedAcked > 0 ? cpuB.HubSeconds * 1e6 / fixedAcked : null, "µs/SET", Better.Lower,
                new Limit("signature + 1/100 request, CPU", pollCpuFloor)),
            .. HubFigures.Cores("fixed", "(b)", cpuB, fixedAcked),
            new("lost", "lost SETs (202 but never polled within the drain)", saturated.Outstanding + paced.Outstanding, "SETs", Better.Lower, Target: Target.Exactly(0)),
            new("duplicates", "duplicate deliveries (same jti again)", saturated.DuplicateJtis + paced.DuplicateJtis, "SETs", Better.Lower),
            HubFigures.PeakMemory("peak_memory", cluster),
        ];

        notes.Add($"(b) {paced.Latency.Count} latency samples; {pacedPollers.Errors} failed polls; generator lag p99 {scheduled.Lag.P99:0.0} ms.");
        if (publisher.Failures + pacedPublisher.Failures > 0)
        {
            notes.Add($"Publishes refused: {publisher.Failures + pacedPublisher.Failures}.");
        }

        notes.AddRange(HubFigures.LogNotes(cluster));
        return new ScenarioResult(Name, context.ModeName,
            $"{streams} poll streams (one receiver per {StreamFleet.StreamsPerReceiver}) of a tenant with default_subjects ALL: one publish reaches all {streams}. " +
            $"One poller per stream, maxEvents {MaxEvents}, long polls acknowledging the previous answer. (a) {size.Publishers} publishers, backlog capped at {backlogCap} " +
            $"unacknowledged SETs, {size.Window.TotalSeconds:0} s window after {size.Warmup.TotalSeconds:0} s warm-up. (b) {fixedRate:0} SETs/s offered open loop " +
            (size.FixedRate > 0 ? string.Empty : "(half of (a): 2,000 SETs/s, the other modes' rate, is far above what Azurite takes) ") +
            $"({fixedRate / streams:0} publishes/s) for {size.FixedWindow.TotalSeconds:0} s after {size.FixedWarmup.TotalSeconds:0} s warm-up; latency is publish send → the poll answer carrying the SET.",
            figures, notes, cluster.ReportedSettings, windows);
    }

    /// <summary>Each new stream's verification SET, taken now and acknowledged by the first poll of the load.</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<string>>> TakeVerificationsAsync(HttpClient http, IReadOnlyList<StreamInfo> streams, CancellationToken cancellationToken)
    {
        var jtis = new IReadOnlyList<string>[streams.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, streams.Count), new ParallelOptions { MaxDegreeOfParallelism = StreamFleet.Parallelism, CancellationToken = cancellationToken },
            async (i, token) => jtis[i] = [.. (await PollClient.PollAsync(http, streams[i], 10, returnImmediately: true, [], token)).Sets.Select(set => set.Jti)]);
        return jtis;
    }

    private sealed record Size(TimeSpan Warmup, TimeSpan Window, int Publishers, double FixedRate, TimeSpan FixedWarmup, TimeSpan FixedWindow);
}
