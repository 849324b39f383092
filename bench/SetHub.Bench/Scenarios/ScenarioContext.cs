using System.Globalization;
using SetHub.Bench.Hosting;
using SetHub.Bench.Limits;
using SetHub.Bench.Measure;
using SetHub.Bench.Receiver;

namespace SetHub.Bench.Scenarios;

/// <summary>What a scenario run gets: the mode, the size, the raw limits, and the shared receiver and client.</summary>
public sealed class ScenarioContext(
    BenchOptions options, StorageMode mode, HubLauncher launcher, PushReceiver receiver, RawLimits limits, HttpClient http, StoreProcesses stores)
{
    public BenchOptions Options => options;

    /// <summary>The bench's PostgreSQL server and Azurite processes, whose CPU counts as the bench's own.</summary>
    public StoreProcesses Stores => stores;

    public StorageMode Mode => mode;

    public string ModeName => NameOf(mode);

    /// <summary>What the nodes of a multi-node scenario share, for the report's designs: "one PostgreSQL database".</summary>
    public string SharedStore => mode == StorageMode.AzureStorage
        ? "one Azure Storage account (Azurite, the emulator; a name prefix of the run's own)"
        : "one PostgreSQL database";

    /// <summary>A mode's key in the report and the JSON: sqlite, postgres, azure.</summary>
    public static string NameOf(StorageMode mode) => mode switch
    {
        StorageMode.Postgres => "postgres",
        StorageMode.AzureStorage => "azure",
        _ => "sqlite",
    };

    /// <summary>Reduced sizes and windows: a smoke check, not a measurement.</summary>
    public bool Quick => options.Quick;

    public PushReceiver Receiver => receiver;

    public RawLimits Limits => limits;

    /// <summary>The client for setup calls and publishes (the same stack as the raw HTTP limit).</summary>
    public HttpClient Http => http;

    /// <summary>Starts <paramref name="nodes"/> hub nodes on a fresh store with the scenario's settings.</summary>
    public Task<HubCluster> StartHubAsync(string scenario, int nodes, IEnumerable<string> settings, CancellationToken cancellationToken) =>
        launcher.StartAsync($"{scenario}-{ModeName}", mode, nodes, settings, cancellationToken);

    /// <summary>A CPU meter for the cluster's processes (and the bench's own, to tell foreign load apart).</summary>
    public CpuMeter Meter(HubCluster cluster) => new(() => cluster.Pids, stores, azuriteIsStore: mode == StorageMode.AzureStorage);

    public static void Log(string message) =>
        Console.WriteLine($"[{DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {message}");
}
