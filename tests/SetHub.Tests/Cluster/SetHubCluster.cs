using System.Net.Http.Headers;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Cluster;

/// <summary>Several SetHub processes sharing one PostgreSQL database or one Azure Storage account, each on its own
/// loopback port.</summary>
public sealed class SetHubCluster : IAsyncDisposable
{
    public const string AdminToken = "sh_adm_cluster-test-operator-token-0001";

    private readonly List<SetHubProcess> _nodes;
    private readonly string _folder;
    private readonly string[] _settings;

    private SetHubCluster(List<SetHubProcess> nodes, string folder, string[] settings)
    {
        _nodes = nodes;
        _folder = folder;
        _settings = settings;
    }

    public IReadOnlyList<SetHubProcess> Nodes => _nodes;

    /// <summary>Starts <paramref name="count"/> nodes at once on a PostgreSQL database (they race to migrate the schema).</summary>
    public static Task<SetHubCluster> StartAsync(string connectionString, int count, params string[] extraSettings) =>
        StartAsync("Postgres", connectionString, count, extraSettings);

    /// <summary>Starts <paramref name="count"/> nodes at once on an Azure Storage account, under tables and containers of
    /// their own prefix (they race to create them).</summary>
    public static Task<SetHubCluster> StartOnAzureStorageAsync(string connectionString, string namePrefix, int count, params string[] extraSettings) =>
        StartAsync("AzureStorage", connectionString, count, [$"--SetHub:Storage:NamePrefix={namePrefix}", .. extraSettings]);

    private static async Task<SetHubCluster> StartAsync(string provider, string connectionString, int count, string[] extraSettings)
    {
        var folder = Path.Combine(Path.GetTempPath(), "sethub-cluster", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string[] settings =
        [
            $"--SetHub:Storage:Provider={provider}",
            $"--ConnectionStrings:SetHub={connectionString}",
            $"--SetHub:AdminToken={AdminToken}",
            "--SetHub:Delivery:AllowPrivateEndpoints=true",
            "--SetHub:Delivery:RetryBaseDelay=00:00:00.100",
            "--SetHub:Delivery:MaxRetryDelay=00:00:00.500",
            "--SetHub:Delivery:RequestTimeout=00:00:00.500",
            "--SetHub:Cluster:AdvertisedAddress=127.0.0.1",
            "--SetHub:Streams:MinVerificationInterval=00:00:00",
            "--SetHub:Poll:LongPollTimeout=00:00:20",
            "--Logging:LogLevel:Default=Warning",
            .. extraSettings,
        ];
        var nodes = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => SetHubProcess.StartAsync(folder, settings)));
        return new SetHubCluster([.. nodes], folder, settings);
    }

    /// <summary>Waits, up to two minutes, until <paramref name="condition"/> holds.</summary>
    public static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Gave up waiting for {what}.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Restarts node <paramref name="index"/> on its port (after a kill).</summary>
    public async Task RestartAsync(int index)
    {
        var port = _nodes[index].Port;
        await _nodes[index].DisposeAsync();
        _nodes[index] = await SetHubProcess.StartAsync(_folder, _settings, port);
    }

    public HttpClient Client(int node, string? token = AdminToken)
    {
        var client = new HttpClient { BaseAddress = _nodes[node].BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
