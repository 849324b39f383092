using System.Globalization;

namespace SetHub.Bench;

/// <summary>The store a hub runs on.</summary>
public enum StorageMode
{
    Sqlite,
    Postgres,

    /// <summary>SetHub's AzureStorage provider on the bench's own Azurite (the emulator): opt-in, see bench/README.md.</summary>
    AzureStorage,
}

/// <summary>An extra hub setting from the command line: for every hub, or only for one scenario's.</summary>
/// <param name="Scenario">The scenario it applies to, or null for all.</param>
/// <param name="Argument">The hub argument, <c>--Key=Value</c>.</param>
public sealed record HubSettingOverride(string? Scenario, string Argument);

/// <summary>
/// The bench's command line. bench/run.sh passes what it set up (repository, work folder, PostgreSQL, git sha, the
/// command as typed); the user's own options pass through unchanged.
/// </summary>
public sealed class BenchOptions
{
    public static readonly IReadOnlyList<string> DefaultScenarios = ["push", "poll", "fanout", "longpoll", "failover", "crossnode"];
    public static readonly IReadOnlyList<string> KnownScenarios = [.. DefaultScenarios, "soak"];

    public bool Quick { get; private init; }

    public IReadOnlyList<string> Scenarios { get; private init; } = DefaultScenarios;

    public IReadOnlyList<StorageMode> Modes { get; private init; } = [StorageMode.Sqlite, StorageMode.Postgres];

    public string Repository { get; private init; } = Directory.GetCurrentDirectory();

    /// <summary>A temporary folder for hub data, logs and pid files; bench/run.sh removes it.</summary>
    public string Work { get; private init; } = Path.Combine(Path.GetTempPath(), "sethub-bench");

    public string Results => Path.Combine(Repository, "bench", "results");

    public string GitSha { get; private init; } = "unknown";

    public string CommandLine { get; private init; } = "./bench/run.sh";

    /// <summary>The bench's PostgreSQL server (admin connection string), when a mode or scenario needs it.</summary>
    public string? Postgres { get; private init; }

    public string? PostgresData { get; private init; }

    /// <summary>The bench's Azurite (an Azure Storage connection string for its blob, queue and table endpoints), when
    /// the AzureStorage mode runs.</summary>
    public string? Azurite { get; private init; }

    /// <summary>The Azurite (node) process, whose CPU the report shows apart from the hub's.</summary>
    public int? AzuritePid { get; private init; }

    public string? AzuriteVersion { get; private init; }

    public string DotnetVersion { get; private init; } = "unknown";

    /// <summary>How long the opt-in soak scenario runs.</summary>
    public TimeSpan SoakDuration { get; private init; } = TimeSpan.FromMinutes(10);

    /// <summary>Stream counts the poll scenario runs with, one measurement each.</summary>
    public IReadOnlyList<int> PollStreams { get; private init; } = [20];

    /// <summary>A scenario whose measurement shared the machine with more than this many cores of someone else's
    /// work is run again.</summary>
    public double ForeignCpuLimit { get; private init; } = 0.3;

    /// <summary>Runs of one scenario at most (the first plus re-runs after disturbed measurements).</summary>
    public int MaxAttempts => _maxAttempts ?? (Quick ? 1 : 3);

    /// <summary>How long a scenario waits for someone else's work to pass before it starts anyway (a quick run does not wait).</summary>
    public TimeSpan QuietWait => Quick ? TimeSpan.Zero : TimeSpan.FromMinutes(2);

    private int? _maxAttempts;

    public IReadOnlyList<HubSettingOverride> HubSettings { get; private init; } = [];

    public string HubDll => Path.Combine(Repository, "src", "SetHub", "bin", "Release", "net10.0", "SetHub.dll");

    public const string Usage = """
        usage: bench/run.sh [--quick] [--scenarios a,b,...] [--modes sqlite,postgres,azure]
                            [--soak-duration 10m] [--poll-streams 20,200] [--hub-setting [scenario:]Key=Value]...
          scenarios: push, poll, fanout, longpoll, failover, crossnode (default set), soak (opt-in)
          modes: sqlite, postgres (default set), azure (opt-in: SetHub's AzureStorage provider on Azurite, the emulator)
          --hub-setting adds a hub setting, e.g. --hub-setting push:SetHub:Delivery:MaxConcurrentPushes=512
        """;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--quick" => options.With(quick: true),
                "--scenarios" => options.With(scenarios: ParseScenarios(Value())),
                "--modes" => options.With(modes: ParseModes(Value())),
                "--soak-duration" => options.With(soakDuration: Duration(Value())),
                "--poll-streams" => options.With(pollStreams: [.. List(Value()).Select(n => int.Parse(n, CultureInfo.InvariantCulture))]),
                "--hub-setting" => options.With(hubSetting: Setting(Value())),
                "--max-attempts" => options.With(maxAttempts: int.Parse(Value(), CultureInfo.InvariantCulture)),
                "--repo" => options.With(repository: Path.GetFullPath(Value())),
                "--work" => options.With(work: Path.GetFullPath(Value())),
                "--git-sha" => options.With(gitSha: Value()),
                "--command-line" => options.With(commandLine: Value()),
                "--postgres" => options.With(postgres: Value()),
                "--postgres-data" => options.With(postgresData: Value()),
                "--azurite" => options.With(azurite: Value()),
                "--azurite-pid" => options.With(azuritePid: int.Parse(Value(), CultureInfo.InvariantCulture)),
                "--azurite-version" => options.With(azuriteVersion: Value()),
                "--dotnet-version" => options.With(dotnetVersion: Value()),
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        return options;
    }

    /// <summary>The settings the command line adds to the hubs of <paramref name="scenario"/>.</summary>
    public IEnumerable<string> ExtraHubSettings(string scenario) =>
        HubSettings.Where(s => s.Scenario is null || s.Scenario == scenario).Select(s => s.Argument);

    private BenchOptions With(
        bool? quick = null, IReadOnlyList<string>? scenarios = null, IReadOnlyList<StorageMode>? modes = null, TimeSpan? soakDuration = null,
        IReadOnlyList<int>? pollStreams = null, HubSettingOverride? hubSetting = null, int? maxAttempts = null, string? repository = null,
        string? work = null, string? gitSha = null, string? commandLine = null, string? postgres = null, string? postgresData = null,
        string? dotnetVersion = null, string? azurite = null, int? azuritePid = null, string? azuriteVersion = null) => new()
        {
            Quick = quick ?? Quick,
            Scenarios = scenarios ?? Scenarios,
            Modes = modes ?? Modes,
            SoakDuration = soakDuration ?? SoakDuration,
            PollStreams = pollStreams ?? PollStreams,
            HubSettings = hubSetting is null ? HubSettings : [.. HubSettings, hubSetting],
            _maxAttempts = maxAttempts ?? _maxAttempts,
            Repository = repository ?? Repository,
            Work = work ?? Work,
            GitSha = gitSha ?? GitSha,
            CommandLine = commandLine ?? CommandLine,
            Postgres = postgres ?? Postgres,
            PostgresData = postgresData ?? PostgresData,
            DotnetVersion = dotnetVersion ?? DotnetVersion,
            Azurite = azurite ?? Azurite,
            AzuritePid = azuritePid ?? AzuritePid,
            AzuriteVersion = azuriteVersion ?? AzuriteVersion,
            ForeignCpuLimit = ForeignCpuLimit,
        };

    private static string[] List(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string[] ParseScenarios(string value)
    {
        var names = List(value).Select(n => n.ToLowerInvariant()).ToArray();
        var unknown = names.Except(KnownScenarios).ToArray();
        return unknown.Length == 0 ? names : throw new ArgumentException($"Unknown scenario(s): {string.Join(", ", unknown)}.");
    }

    private static StorageMode[] ParseModes(string value) => [.. List(value).Select(mode => mode.ToLowerInvariant() switch
    {
        "sqlite" => StorageMode.Sqlite,
        "postgres" or "postgresql" => StorageMode.Postgres,
        "azure" or "azurestorage" or "azurite" => StorageMode.AzureStorage,
        _ => throw new ArgumentException($"Unknown mode {mode}: sqlite, postgres or azure."),
    })];

    // "10m", "90s", "1h" or a TimeSpan ("00:10:00").
    private static TimeSpan Duration(string value) => value[^1] switch
    {
        's' => TimeSpan.FromSeconds(double.Parse(value[..^1], CultureInfo.InvariantCulture)),
        'm' => TimeSpan.FromMinutes(double.Parse(value[..^1], CultureInfo.InvariantCulture)),
        'h' => TimeSpan.FromHours(double.Parse(value[..^1], CultureInfo.InvariantCulture)),
        _ => TimeSpan.Parse(value, CultureInfo.InvariantCulture),
    };

    // "push:SetHub:Delivery:MaxConcurrentPushes=512" or "SetHub:Poll:LongPollTimeout=00:05:00".
    private static HubSettingOverride Setting(string value)
    {
        var setting = value.TrimStart('-');
        var colon = setting.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && KnownScenarios.Contains(setting[..colon]))
        {
            return new HubSettingOverride(setting[..colon], "--" + setting[(colon + 1)..]);
        }

        return new HubSettingOverride(null, "--" + setting);
    }
}
