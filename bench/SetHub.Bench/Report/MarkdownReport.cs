using System.Globalization;
using System.Text;

namespace SetHub.Bench.Report;

/// <summary>Writes a run as Markdown: the machine, the targets at a glance, the raw limits, one table per scenario
/// and mode, and a baseline column when there is a baseline.</summary>
public static class MarkdownReport
{
    public static string Write(RunReport run, Baseline? baseline)
    {
        // A quick run's figures mean nothing next to a full run's, and the other way round.
        var mismatched = baseline is not null && baseline.Report.Quick != run.Quick;
        baseline = mismatched ? null : baseline;
        var md = new StringBuilder();
        md.AppendLine(Invariant($"# SetHub benchmark: {run.GitSha}, {run.StartedUtc}"));
        md.AppendLine();
        md.AppendLine(Invariant($"Command: `{run.CommandLine}` — took {Duration(run.Seconds)}."));
        if (run.Quick)
        {
            md.AppendLine();
            md.AppendLine("**Quick run**: reduced sizes and windows, a smoke check only; do not compare its figures with a full run.");
        }

        md.AppendLine();
        WriteMachine(md, run);
        md.AppendLine();
        md.AppendLine(mismatched
            ? "The baseline (`bench/results/baseline.json`) is not a run of the same kind (quick or full): not compared."
            : baseline is null
            ? "No baseline (`bench/results/baseline.json`): nothing to compare with."
            : Invariant($"Baseline: `bench/results/baseline.json`, {baseline.Report.GitSha} of {baseline.Report.StartedUtc}. The baseline column shows its value and this run ÷ baseline."));
        md.AppendLine();
        md.AppendLine("How to read: **ratio** is how close a figure comes to the raw limit measured on this machine in this run — for a rate, " +
            "value ÷ limit; for a time or CPU cost, floor ÷ value (the floor: what the raw operations alone take). 1.0 would be the raw operation alone. " +
            "**target** is the benchmark issue's, ✔ met, ✘ missed. Load is /proc/loadavg before the scenario; foreign CPU is what processes other than " +
            "the bench, its hubs and its PostgreSQL or Azurite used during the measurement (a scenario is re-run when it exceeds 0.3 cores).");
        md.AppendLine();
        if (run.Scenarios.Any(s => s.Mode == AzureMode))
        {
            md.AppendLine($"**{AzureLabel}.** The `azure` mode runs SetHub's AzureStorage provider on the bench's own Azurite: one single-threaded " +
                "Node.js process keeping its tables in memory (LokiJS, saved to disk), on the same two cores as the hub and the bench, with none of Azure's " +
                "network round trips, throttling or replication. Its figures show how SetHub drives the Table and Blob APIs, not what it would do on Azure. " +
                "Azurite's CPU is reported apart from the hub's (utime + stime of its process over each window): **Azurite CPU** in cores (near 1.0 the " +
                "emulator's single thread is the bottleneck) and **Azurite CPU per SET** in CPU-ms beside the hub's; what Azurite spends is the emulator's " +
                "cost, not SetHub's. Its raw limits ((c) Azurite) are the emulator's too.");
            md.AppendLine();
        }

        WriteTargets(md, run, baseline);
        WriteLimits(md, run, baseline);
        foreach (var scenario in run.Scenarios)
        {
            WriteScenario(md, scenario, baseline);
        }

        return md.ToString();
    }

    private static void WriteMachine(StringBuilder md, RunReport run)
    {
        var machine = run.Machine;
        md.AppendLine("| machine | |");
        md.AppendLine("|---|---|");
        md.AppendLine(Invariant($"| cores | {machine.Cores} ({machine.CpuModel}) |"));
        md.AppendLine(Invariant($"| RAM | {machine.MemoryGib:0.0} GiB |"));
        md.AppendLine(Invariant($"| kernel | {machine.Kernel} |"));
        md.AppendLine(Invariant($"| .NET SDK | {machine.Dotnet} |"));
        md.AppendLine(Invariant($"| PostgreSQL | {machine.Postgres ?? "not used"} |"));
        md.AppendLine(Invariant($"| Azurite | {machine.Azurite ?? "not used"} |"));
        md.AppendLine(Invariant($"| open files limit | {machine.OpenFileLimit} |"));
        md.AppendLine(Invariant($"| git | {run.GitSha} |"));
        md.AppendLine(Invariant($"| raw limits measured at | {run.LimitsConditions} |"));
    }

    private static void WriteTargets(StringBuilder md, RunReport run, Baseline? baseline)
    {
        var rows = run.Scenarios.SelectMany(s => s.Figures.Where(f => f.Target is not null).Select(f => (Scenario: s, Figure: f))).ToArray();
        if (rows.Length == 0)
        {
            return;
        }

        md.AppendLine("## Targets at a glance");
        md.AppendLine();
        md.AppendLine(baseline is null ? "| scenario | mode | figure | value | target |" : "| scenario | mode | figure | value | target | baseline |");
        md.AppendLine(baseline is null ? "|---|---|---|---:|---|" : "|---|---|---|---:|---|---:|");
        foreach (var (scenario, figure) in rows)
        {
            md.Append(Invariant($"| {scenario.Scenario} | {ModeCell(scenario.Mode)} | {figure.Name} | {Value(figure)} | {TargetCell(figure)} |"));
            md.AppendLine(baseline is null ? string.Empty : $" {BaselineCell(baseline.Find(scenario.Scenario, scenario.Mode, figure.Id), figure)} |");
        }

        md.AppendLine();
    }

    private static void WriteLimits(StringBuilder md, RunReport run, Baseline? baseline)
    {
        md.AppendLine("## Raw limits (this machine, this run)");
        md.AppendLine();
        md.AppendLine(baseline is null ? "| limit | value | how |" : "| limit | value | how | baseline |");
        md.AppendLine(baseline is null ? "|---|---:|---|" : "|---|---:|---|---:|");
        foreach (var figure in run.LimitFigures)
        {
            md.Append(Invariant($"| {figure.Name} | {Value(figure)} | {figure.Note} |"));
            md.AppendLine(baseline is null ? string.Empty : $" {BaselineCell(baseline.Find("limits", RunReport.MachineMode, figure.Id), figure)} |");
        }

        md.AppendLine();
    }

    private static void WriteScenario(StringBuilder md, ScenarioResult scenario, Baseline? baseline)
    {
        md.AppendLine(Invariant($"## {scenario.Scenario} — {ModeCell(scenario.Mode)}"));
        md.AppendLine();
        if (scenario.Mode == AzureMode)
        {
            md.AppendLine("_SetHub's AzureStorage provider on the bench's Azurite. Azurite's CPU is shown apart from the hub's: what it spends is the emulator's cost, not SetHub's._");
            md.AppendLine();
        }

        md.AppendLine(scenario.Design);
        md.AppendLine();
        md.AppendLine(Invariant($"Load before: {scenario.LoadBefore} · foreign CPU (max over windows): {scenario.ForeignCores:0.00} cores · attempts: {scenario.Attempts} · took {Duration(scenario.Seconds)}"));
        md.AppendLine();
        if (scenario.Error is not null)
        {
            md.AppendLine(Invariant($"**Did not complete**: {scenario.Error}"));
            md.AppendLine();
        }

        if (scenario.Figures.Count > 0)
        {
            md.AppendLine(baseline is null ? "| figure | value | raw limit | ratio | target |" : "| figure | value | raw limit | ratio | target | baseline |");
            md.AppendLine(baseline is null ? "|---|---:|---|---:|---|" : "|---|---:|---|---:|---|---:|");
            foreach (var figure in scenario.Figures)
            {
                var limit = figure.Limit is null ? "—" : Invariant($"{Number(figure.Limit.Value)} ({figure.Limit.Name})");
                var name = figure.Note is null ? figure.Name : $"{figure.Name} <br>_{figure.Note}_";
                md.Append(Invariant($"| {name} | {Value(figure)} | {limit} | {(figure.Ratio is { } ratio ? ratio.ToString("0.000", CultureInfo.InvariantCulture) : "—")} | {TargetCell(figure)} |"));
                md.AppendLine(baseline is null ? string.Empty : $" {BaselineCell(baseline.Find(scenario.Scenario, scenario.Mode, figure.Id), figure)} |");
            }

            md.AppendLine();
        }

        foreach (var window in scenario.Windows)
        {
            var cpu = window.Cpu;
            var store = cpu.AzuriteCores is { } azurite
                ? Invariant($"Azurite {azurite:0.00} (emulator, not SetHub)")
                : Invariant($"PostgreSQL {cpu.PostgresCores:0.00}");
            md.AppendLine(Invariant($"- window _{window.Name}_: {cpu.Seconds:0.0} s, machine {cpu.MachineCores:0.00} cores: hub {cpu.HubCores:0.00}, {store}, foreign {cpu.ForeignCores:0.00}"));
        }

        foreach (var note in scenario.Notes)
        {
            md.AppendLine(Invariant($"- {note}"));
        }

        if (scenario.HubSettings.Count > 0)
        {
            md.AppendLine(Invariant($"- hub settings: `{string.Join(' ', scenario.HubSettings)}`"));
        }

        md.AppendLine();
    }

    /// <summary>The AzureStorage mode's key.</summary>
    private const string AzureMode = "azure";

    /// <summary>How the report labels the AzureStorage mode's figures.</summary>
    private const string AzureLabel = "Azurite (emulator) — not representative of Azure Storage";

    private static string ModeCell(string mode) => mode == AzureMode ? $"{mode} ({AzureLabel})" : mode;

    private static string Value(Figure figure) => figure.Value is { } value && !double.IsNaN(value) ? $"{Number(value)} {figure.Unit}" : "—";

    private static string TargetCell(Figure figure) => figure.Target is null
        ? "—"
        : Invariant($"{figure.Target.Comparison.Replace(">=", "≥", StringComparison.Ordinal).Replace("<=", "≤", StringComparison.Ordinal)} {Number(figure.Target.Value)} {(figure.TargetMet switch { true => "✔", false => "✘", null => "?" })}");

    private static string BaselineCell(double? baseline, Figure figure) =>
        baseline is not { } old ? "—"
        : figure.Value is { } value && old != 0 && !double.IsNaN(value) ? Invariant($"{Number(old)} (×{value / old:0.00})")
        : Number(old);

    /// <summary>Whole numbers as they are, others with three significant digits at most, thousands grouped:
    /// 12,345 · 123 · 12.3 · 1.23 · 0.123.</summary>
    public static string Number(double value) => Math.Abs(value) switch
    {
        double.NaN => "—",
        var whole when whole == Math.Floor(whole) && !double.IsInfinity(whole) => value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 1000 => value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        >= 1 => value.ToString("0.00", CultureInfo.InvariantCulture),
        0 => "0",
        _ => value.ToString("0.000", CultureInfo.InvariantCulture),
    };

    private static string Duration(double seconds) =>
        seconds >= 60 ? Invariant($"{(int)(seconds / 60)} min {seconds % 60:00} s") : Invariant($"{seconds:0} s");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
