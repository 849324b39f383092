using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SetHub.Bench.Api;
using SetHub.Bench.Hosting;
using SetHub.Bench.Limits;
using SetHub.Bench.Measure;
using SetHub.Bench.Receiver;
using SetHub.Bench.Report;
using SetHub.Bench.Scenarios;

namespace SetHub.Bench;

/// <summary>
/// One benchmark run: raw limits, then every selected scenario in every selected mode, each re-run when someone
/// else's work disturbed its measurement, then the reports. A scenario that fails is reported as such; the run
/// still completes.
/// </summary>
public sealed class BenchRun(BenchOptions options)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.GetTimestamp();
        Directory.CreateDirectory(options.Work);
        if (!File.Exists(options.HubDll))
        {
            await Console.Error.WriteLineAsync($"{options.HubDll} is missing: build SetHub in Release first (bench/run.sh does).");
            return 2;
        }

        var postgres = options.Postgres is null ? null : new PostgresServer(options.Postgres, options.PostgresData);
        var azurite = options.Azurite is null ? null : new AzuriteServer(options.Azurite, options.AzuritePid, options.AzuriteVersion);
        var stores = new StoreProcesses(postgres?.PostmasterPid, azurite?.Pid);
        using var http = BenchHttp.Create(maxConnections: 4096);
        await using var receiver = await PushReceiver.StartAsync();
        var machine = await MachineAsync(postgres, azurite, cancellationToken);
        ScenarioContext.Log($"{machine.Cores} cores, {machine.MemoryGib:0.0} GiB, .NET {machine.Dotnet}, PostgreSQL {machine.Postgres ?? "not used"}, Azurite {machine.Azurite ?? "not used"}");

        var (limits, limitFigures, limitsConditions) = await MeasureLimitsAsync(postgres, azurite, stores, receiver, http, cancellationToken);
        var launcher = new HubLauncher(options, postgres, azurite, http);

        var results = new List<ScenarioResult>();
        foreach (var mode in options.Modes)
        {
            var context = new ScenarioContext(options, mode, launcher, receiver, limits, http, stores);
            foreach (var scenario in Scenarios())
            {
                if (!scenario.Supports(mode))
                {
                    continue;
                }

                var result = await RunWithRetriesAsync(scenario, context, cancellationToken);
                results.Add(result with { Notes = [.. result.Notes, .. launcher.TakeStoreNotes()] });
            }
        }

        var report = new RunReport(
            RunReport.CurrentSchema,
            started.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            Stopwatch.GetElapsedTime(clock).TotalSeconds,
            options.GitSha,
            options.CommandLine,
            options.Quick,
            machine,
            limitsConditions,
            limits,
            limitFigures,
            results);
        WriteReports(report, started);
        return 0;
    }

    // The raw limits are measured again, like a scenario, when someone else's work disturbed them.
    private async Task<(RawLimits, IReadOnlyList<Figure>, string)> MeasureLimitsAsync(
        PostgresServer? postgres, AzuriteServer? azurite, StoreProcesses stores, PushReceiver receiver, HttpClient http, CancellationToken cancellationToken)
    {
        var meter = new CpuMeter(() => [], stores);
        for (var attempt = 1; ; attempt++)
        {
            await QuietMachine.WaitAsync(stores, options.ForeignCpuLimit, options.QuietWait, cancellationToken);
            var load = ProcFs.LoadAverage();
            var start = meter.Take();
            var (limits, figures) = await LimitsRunner.MeasureAsync(options, postgres, azurite, receiver, http, cancellationToken);
            var foreign = CpuMeter.Between(start, meter.Take()).ForeignCores;
            if (foreign <= options.ForeignCpuLimit || attempt >= options.MaxAttempts)
            {
                return (limits, figures, string.Create(CultureInfo.InvariantCulture, $"load before {load}; foreign CPU {foreign:0.00} cores; attempts {attempt}"));
            }

            ScenarioContext.Log(string.Create(CultureInfo.InvariantCulture, $"raw limits disturbed by other processes ({foreign:0.00} cores): measuring again"));
        }
    }

    private IEnumerable<IScenario> Scenarios()
    {
        foreach (var name in BenchOptions.KnownScenarios.Where(options.Scenarios.Contains))
        {
            switch (name)
            {
                case "push":
                    yield return new PushScenario();
                    break;
                case "poll":
                    foreach (var streams in options.PollStreams)
                    {
                        yield return new PollScenario(streams);
                    }

                    break;
                case "fanout":
                    yield return new FanOutScenario();
                    break;
                case "longpoll":
                    yield return new LongPollScenario();
                    break;
                case "failover":
                    yield return new FailoverScenario();
                    break;
                case "crossnode":
                    yield return new CrossNodeScenario();
                    break;
                case "soak":
                    yield return new SoakScenario();
                    break;
            }
        }
    }

    private async Task<ScenarioResult> RunWithRetriesAsync(IScenario scenario, ScenarioContext context, CancellationToken cancellationToken)
    {
        ScenarioResult? result = null;
        var disturbed = new List<string>();
        for (var attempt = 1; attempt <= options.MaxAttempts; attempt++)
        {
            // A scenario starts on a quiet machine: what the previous one left (a draining hub, PostgreSQL's
            // checkpoint) settles, and someone else's build gets a while (QuietWait) to finish.
            var waited = Stopwatch.GetTimestamp();
            var foreign = await QuietMachine.WaitAsync(context.Stores, options.ForeignCpuLimit, options.QuietWait, cancellationToken);
            if (foreign >= options.ForeignCpuLimit)
            {
                disturbed.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Attempt {attempt} started on a busy machine: {foreign:0.00} cores of foreign CPU after waiting {Stopwatch.GetElapsedTime(waited).TotalSeconds:0} s."));
            }

            var load = ProcFs.LoadAverage();
            var clock = Stopwatch.GetTimestamp();
            ScenarioContext.Log($"== {scenario.Name} on {context.ModeName} (attempt {attempt}, load {load})");
            try
            {
                result = await scenario.RunAsync(context, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                ScenarioContext.Log($"{scenario.Name} on {context.ModeName} failed: {exception}");
                result = new ScenarioResult(scenario.Name, context.ModeName, string.Empty, [], [], [], [], Error: $"{exception.GetType().Name}: {exception.Message}");
            }
            finally
            {
                context.Receiver.Ledger = null;
                context.Receiver.ResponseDelay = TimeSpan.Zero;
                context.Receiver.TrackSenders = false;
            }

            result = result with
            {
                LoadBefore = load,
                Attempts = attempt,
                Seconds = Stopwatch.GetElapsedTime(clock).TotalSeconds,
                Notes = [.. disturbed, .. result.Notes],
            };
            if (result.ForeignCores <= options.ForeignCpuLimit || result.Error is not null)
            {
                break;
            }

            var note = string.Create(CultureInfo.InvariantCulture,
                $"Attempt {attempt} was disturbed by other processes ({result.ForeignCores:0.00} cores of foreign CPU, load before {load}).");
            ScenarioContext.Log(note);
            disturbed.Add(note);
            if (attempt == options.MaxAttempts)
            {
                result = result with { Notes = [.. result.Notes, "The last attempt was disturbed too: these figures are less reliable."] };
            }
        }

        return result!;
    }

    private async Task<MachineInfo> MachineAsync(PostgresServer? postgres, AzuriteServer? azurite, CancellationToken cancellationToken) => new(
        Environment.ProcessorCount,
        ProcFs.CpuModel(),
        ProcFs.MemoryTotalKib() / 1024.0 / 1024.0,
        ProcFs.KernelRelease(),
        options.DotnetVersion,
        postgres is null ? null : await postgres.VersionAsync(cancellationToken),
        ProcFs.OpenFileLimit(),
        azurite is null ? null : $"{azurite.Version} (the Azure Storage emulator: one single-threaded Node.js process, tables in memory with LokiJS, saved to disk)");

    private void WriteReports(RunReport report, DateTime started)
    {
        Directory.CreateDirectory(options.Results);
        var baseline = Baseline.Load(Path.Combine(options.Results, "baseline.json"));
        var markdown = MarkdownReport.Write(report, baseline);
        var json = JsonSerializer.Serialize(report, ReportJson.Options);
        var stem = Path.Combine(options.Results, $"{started.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{options.GitSha}");
        File.WriteAllText(stem + ".md", markdown);
        File.WriteAllText(stem + ".json", json);
        File.WriteAllText(Path.Combine(options.Results, "latest.md"), markdown);
        File.WriteAllText(Path.Combine(options.Results, "latest.json"), json);
        ScenarioContext.Log($"report: {stem}.md (and .json, latest.md, latest.json)");
    }
}
