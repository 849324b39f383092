using System.Text.Json;

namespace SetHub.Bench.Report;

/// <summary>
/// An earlier run to compare with (bench/results/baseline.json: the engine before the Orleans one), figure by figure:
/// the same scenario, mode and figure id.
/// </summary>
public sealed class Baseline
{
    private readonly Dictionary<(string Scenario, string Mode, string Id), double> _values = [];

    private Baseline(RunReport report)
    {
        Report = report;
        foreach (var figure in report.LimitFigures)
        {
            Add("limits", RunReport.MachineMode, figure);
        }

        foreach (var scenario in report.Scenarios)
        {
            foreach (var figure in scenario.Figures)
            {
                Add(scenario.Scenario, scenario.Mode, figure);
            }
        }
    }

    public RunReport Report { get; }

    /// <summary>The baseline, or null when the file does not exist.</summary>
    public static Baseline? Load(string path) =>
        File.Exists(path) ? new Baseline(JsonSerializer.Deserialize<RunReport>(File.ReadAllText(path), ReportJson.Options)!) : null;

    public double? Find(string scenario, string mode, string id) =>
        _values.TryGetValue((scenario, mode, id), out var value) ? value : null;

    private void Add(string scenario, string mode, Figure figure)
    {
        if (figure.Value is { } value && !double.IsNaN(value))
        {
            _values[(scenario, mode, figure.Id)] = value;
        }
    }
}
