using SetHub.Bench.Measure;

namespace SetHub.Bench.Report;

/// <summary>CPU during one measurement window of a scenario, for the report and for spotting disturbed runs.</summary>
public sealed record Window(string Name, CpuUsage Cpu);

/// <summary>The outcome of one scenario in one mode.</summary>
/// <param name="Scenario">push, poll, fanout, …</param>
/// <param name="Mode">sqlite or postgres.</param>
/// <param name="Design">How the scenario is set up (streams, subject mapping, load shape), for the reader.</param>
/// <param name="Figures">What it measured.</param>
/// <param name="Notes">Anything worth reading beside the figures: errors, log lines, anomalies.</param>
/// <param name="HubSettings">The hub settings the scenario ran with (secrets left out).</param>
/// <param name="Windows">The measurement windows' CPU.</param>
/// <param name="LoadBefore">/proc/loadavg before the run.</param>
/// <param name="Attempts">Runs made: more than one when an earlier one was disturbed by someone else's work.</param>
/// <param name="Seconds">Wall time of the (last) run, setup included.</param>
/// <param name="Error">Why the scenario could not finish, if it could not.</param>
public sealed record ScenarioResult(
    string Scenario,
    string Mode,
    string Design,
    IReadOnlyList<Figure> Figures,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> HubSettings,
    IReadOnlyList<Window> Windows,
    string LoadBefore = "",
    int Attempts = 1,
    double Seconds = 0,
    string? Error = null)
{
    /// <summary>The most cores someone else's work took in any measurement window.</summary>
    public double ForeignCores => Windows.Count == 0 ? 0 : Windows.Max(w => w.Cpu.ForeignCores);
}
