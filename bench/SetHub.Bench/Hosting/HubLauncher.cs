using System.Globalization;
using System.Security.Cryptography;

namespace SetHub.Bench.Hosting;

/// <summary>
/// Starts the hub nodes of a scenario run on a fresh store: a new SQLite file, or a new database on the bench's
/// PostgreSQL server. Every node gets the settings the bench needs (operator token, loopback push, quiet logs), the
/// cluster settings needed to run several nodes on one host (distinct silo ports, no gateway, loopback address) and
/// one public base URL (node 0's), then the scenario's own, then
/// the command line's.
/// </summary>
public sealed class HubLauncher(BenchOptions options, PostgresServer? postgres, HttpClient http)
{
    private int _runs;

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
            ? "--ConnectionStrings:SetHub=<fresh " + (mode == StorageMode.Postgres ? "database" : "file") + ">"
            : setting).ToList();
        return new HubCluster([.. started.Select(s => s.Item1!)], adminToken, reported, dropStore);
    }
}
