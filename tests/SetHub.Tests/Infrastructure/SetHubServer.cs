using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using SetHub.Hosting;

[assembly: AssemblyFixture(typeof(SetHub.Tests.Infrastructure.SetHubServer))]

namespace SetHub.Tests.Infrastructure;

/// <summary>
/// One SetHub node for the whole test assembly: real Kestrel on a free loopback port, a fresh SQLite file. Tests
/// isolate themselves by creating their own tenants.
/// </summary>
public class SetHubServer : IAsyncLifetime
{
    public const string AdminToken = "sh_adm_test-operator-token-for-the-http-tests";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sethub-http-tests", Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public string DatabasePath => Path.Combine(_folder, "sethub.db");

    /// <summary>The node's services, for tests that must reach behind the HTTP surface (e.g. to inject a fault).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>Settings of this server, as command-line arguments, on top of the defaults below.</summary>
    protected virtual IEnumerable<string> Settings => [];

    public async ValueTask InitializeAsync()
    {
        _app = SetHubApplication.Build(
            [
                "--urls", "http://127.0.0.1:0",
                $"--SetHub:AdminToken={AdminToken}",
                $"--SetHub:MasterKey={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}",
                $"--ConnectionStrings:SetHub=Data Source={DatabasePath}",

                // Every node is an Orleans silo: test servers in one process need silo ports of their own.
                $"--SetHub:Cluster:SiloPort={SetHubProcess.FreePort()}",

                // The test receivers listen on loopback over http; short delays keep retry tests quick.
                "--SetHub:Delivery:AllowPrivateEndpoints=true",
                "--SetHub:Delivery:RetryBaseDelay=00:00:00.100",
                "--SetHub:Delivery:MaxRetryDelay=00:00:00.400",
                "--SetHub:Delivery:RequestTimeout=00:00:02",
                "--SetHub:Streams:MinVerificationInterval=00:00:00",
                "--SetHub:Poll:LongPollTimeout=00:00:10",
                .. Settings,
            ],
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await SetHubApplication.InitializeAsync(_app);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.First());
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    /// <summary>An HTTP client for the node, optionally with a bearer token.</summary>
    public HttpClient CreateClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }
}
