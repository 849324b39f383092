using SetHub.Bench.Limits;

namespace SetHub.Bench.Report;

/// <summary>The machine a run measured (and the bench's Azurite, when the AzureStorage mode ran).</summary>
public sealed record MachineInfo(int Cores, string CpuModel, double MemoryGib, string Kernel, string Dotnet, string? Postgres, long OpenFileLimit, string? Azurite = null);

/// <summary>
/// Everything one run measured: the JSON report is this record, and the Markdown one is written from it.
/// <see cref="Schema"/> versions the shape, so a later bench can read an older baseline.
/// </summary>
public sealed record RunReport(
    int Schema,
    string StartedUtc,
    string FinishedUtc,
    double Seconds,
    string GitSha,
    string CommandLine,
    bool Quick,
    MachineInfo Machine,
    string LimitsConditions,
    RawLimits? Limits,
    IReadOnlyList<Figure> LimitFigures,
    IReadOnlyList<ScenarioResult> Scenarios)
{
    public const int CurrentSchema = 1;

    /// <summary>The mode name raw limits are filed under when compared with a baseline.</summary>
    public const string MachineMode = "machine";
}
