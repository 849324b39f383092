using System.Globalization;
using System.Security.Cryptography;

namespace SetHub.Bench.Hosting;

/// <summary>
/// Starts the hub nodes of a scenario run on a fresh store: a new SQLite file, a new database on the bench's
/// PostgreSQL server, or a new name prefix on the bench's Azurite (whose tables and containers are deleted
/// afterwards). Every node gets the settings the bench needs (operator token, loopback push, quiet logs), the
/// cluster settings needed to run several nodes on one host (distinct silo ports, no gateway, loopback address) and
/// one public base URL (node 0's), then the scenario's own, then
/// the command line's.
/// </summary>
public sealed class HubLauncher(BenchOptions options, PostgresServer? postgres, AzuriteServer? azurite, HttpClient http)
{
    private readonly List<string> _storeNotes = [];
    private int _runs;

    /// <summary>What cleaning up the stores found since the last call (names an Azurite run left outside its prefix).</summary>
    public IReadOnlyList<string> TakeStoreNotes()
    {
        lock (_storeNotes)
        {
            var notes = _storeNotes.ToArray();
            _storeNotes.Clear();
            return notes;
        }
    }

    public async Task<HubCluster> StartAsync(string label, StorageMode mode, int nodeCount, IEnumerable<string> scenarioSettings, CancellationToken cancellationToken)
    {
        var run = Interlocked.Increment(ref _runs);
        var folder = Path.Combine(options.Work, $"{run:00}-{label}");
        Directory.CreateDirectory(folder);
        var adminToken = "sh_adm_bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var ports = Enumerable.Range(0, nodeCount).Select(_ => (Http: FreePorts.Next(), Silo: FreePorts.Next())).ToArray();

        List<string> store;
        Func<Task> dropStore = () => Task.CompletedTask;
        if (mode == StorageMode.Postgres)
        {
            if (postgres is null)
            {
                throw new InvalidOperationException("PostgreSQL mode needs the bench's PostgreSQL server (bench/run.sh starts it).");
            }

            var database = $"bench_{run:00}_{label.Replace('-', '_')}";
            await postgres.CreateDatabaseAsync(database, cancellationToken);
            dropStore = () => postgres.DropDatabaseAsync(database);
            store = ["--SetHub:Storage:Provider=Postgres", $"--ConnectionStrings:SetHub={postgres.ConnectionString(database)}"];
        }
        else if (mode == StorageMode.AzureStorage)
        {
            if (azurite is null)
            {
                throw new InvalidOperationException("AzureStorage mode needs the bench's Azurite (bench/run.sh starts it with --modes azure).");
            }

            // A fresh prefix per run: a clean store on the shared account. Whatever is left of an earlier run (a killed
            // node's, or a drop that failed) is removed first.
            var prefix = AzuriteServer.Prefix(run, label);
            await azurite.DropAllAsync(prefix);
            dropStore = async () =>
            {
                var strays = await azurite.DropAllAsync(prefix);
                if (strays.Count > 0)
                {
                    lock (_storeNotes)
                    {
                        _storeNotes.Add($"Azurite held tables or containers not starting with the run's prefix `{prefix}`: {string.Join(", ", strays)}.");
                    }
                }
            };
            store =
            [
                "--SetHub:Storage:Provider=AzureStorage",
                $"--ConnectionStrings:SetHub={azurite.ConnectionString}",
                $"--SetHub:Storage:NamePrefix={prefix}",
            ];
        }
        else
        {
            store = ["--SetHub:Storage:Provider=Sqlite", $"--ConnectionStrings:SetHub=Data Source={Path.Combine(folder, "sethub.db")}"];
        }

        List<string> common =
        [
            .. store,
            "--SetHub:Delivery:AllowPrivateEndpoints=true", // the bench's receiver is plain http on loopback
            "--Logging:LogLevel:Default=Warning",
            "--SetHub:Cluster:GatewayPort=0",
            "--SetHub:Cluster:AdvertisedAddress=127.0.0.1",
            // One public address for the issuer and endpoint URLs, whichever node built them (node 0's).
            $"--SetHub:PublicBaseUrl=http://127.0.0.1:{ports[0].Http}",
            .. scenarioSettings,
            .. options.ExtraHubSettings(label.Split('-')[0]),
        ];

        var specs = ports.Select((port, index) => new HubNodeSpec(
            $"{label}-node{index}",
            options.HubDll,
            Path.Combine(folder, $"node{index}"),
            port.Http,
            [
                $"--SetHub:AdminToken={adminToken}",
                $"--SetHub:MasterKey={masterKey}",
                $"--SetHub:Cluster:SiloPort={port.Silo.ToString(CultureInfo.InvariantCulture)}",
                .. common,
            ],
            Path.Combine(options.Work, "pids"))).ToArray();

        var started = await Task.WhenAll(specs.Select(async spec =>
        {
            try
            {
                return ((HubNode?)await HubNode.StartAsync(spec, http, cancellationToken), (Exception?)null);
            }
            catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
            {
                return ((HubNode?)null, (Exception?)exception);
            }
        }));

        if (started.FirstOrDefault(s => s.Item2 is not null).Item2 is { } failure)
        {
            foreach (var node in started.Select(s => s.Item1).OfType<HubNode>())
            {
                await node.DisposeAsync();
            }

            await dropStore();
            throw new InvalidOperationException($"The hub of {label} did not start: {failure.Message}", failure);
        }

        var reported = common.Select(setting => setting.StartsWith("--ConnectionStrings:", StringComparison.Ordinal)
            ? "--ConnectionStrings:SetHub=<" + mode switch
            {
                StorageMode.Postgres => "fresh database",
                StorageMode.AzureStorage => "the bench's Azurite account",
                _ => "fresh file",
            } + ">"
            : setting).ToList();
        return new HubCluster([.. started.Select(s => s.Item1!)], adminToken, reported, dropStore);
    }
}
