using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using SetHub.Hosting;
using SetHub.Tests.Shared;

[assembly: AssemblyFixture(typeof(SetHub.Tests.Infrastructure.SetHubServer))]

namespace SetHub.Tests.Infrastructure;

/// <summary>
/// One SetHub node for the whole test assembly: real Kestrel on a free loopback port, on a fresh store of its own. Tests
/// isolate themselves by creating their own tenants. The store is a SQLite file unless <c>SETHUB_TEST_STORAGE</c> names
/// another mode: test.sh runs the whole HTTP suite once more with <c>Postgres</c> (a database of the server's own) and
/// with <c>AzureStorage</c> (Azurite, tables of the server's own prefix), so every behaviour is checked in every mode.
/// </summary>
public class SetHubServer : IAsyncLifetime
{
    public const string AdminToken = "sh_adm_test-operator-token-for-the-http-tests";

    /// <summary>The storage mode under test: <c>Sqlite</c> (default), <c>Postgres</c> or <c>AzureStorage</c>.</summary>
    public static string StorageMode { get; } = Environment.GetEnvironmentVariable("SETHUB_TEST_STORAGE") is { Length: > 0 } mode ? mode : "Sqlite";

    private string _connectionString = string.Empty;
    private string _namePrefix = string.Empty;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sethub-http-tests", Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    private string DatabasePath => Path.Combine(_folder, "sethub.db");

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
                .. await StoreSettingsAsync(),

                // Every node is an Orleans silo: test servers in one process need silo ports of their own.
                $"--SetHub:Cluster:SiloPort={LoopbackPorts.Free()}",

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

    /// <summary>Everything the store holds, as text, to show what is (and is not) stored. With
    /// <paramref name="rowsOnly"/>, SQLite is read row by row, not byte by byte: what a deletion removed may still sit in
    /// the file's free pages until they are reused, as in any database file.</summary>
    public async Task<string> ReadStoreAsync(CancellationToken cancellationToken, bool rowsOnly = false)
    {
        var text = new StringBuilder();
        switch (StorageMode)
        {
            case "Sqlite" when rowsOnly:
                await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath}"))
                {
                    await connection.OpenAsync(cancellationToken);
                    var tables = new List<string>();
                    await using (var list = new Microsoft.Data.Sqlite.SqliteCommand("SELECT name FROM sqlite_master WHERE type = 'table'", connection))
                    await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
                    {
                        while (await reader.ReadAsync(cancellationToken))
                        {
                            tables.Add(reader.GetString(0));
                        }
                    }

                    foreach (var table in tables)
                    {
                        await using var dump = new Microsoft.Data.Sqlite.SqliteCommand($"SELECT * FROM \"{table}\"", connection);
                        await using var rows = await dump.ExecuteReaderAsync(cancellationToken);
                        while (await rows.ReadAsync(cancellationToken))
                        {
                            for (var i = 0; i < rows.FieldCount; i++)
                            {
                                text.AppendLine(rows.IsDBNull(i) ? string.Empty : rows.GetValue(i) is byte[] bytes ? Encoding.Latin1.GetString(bytes) : Convert.ToString(rows.GetValue(i), System.Globalization.CultureInfo.InvariantCulture));
                            }
                        }
                    }
                }

                break;

            case "Postgres":
                await using (var connection = new Npgsql.NpgsqlConnection(_connectionString))
                {
                    await connection.OpenAsync(cancellationToken);
                    var tables = new List<string>();
                    await using (var list = new Npgsql.NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
                    await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
                    {
                        while (await reader.ReadAsync(cancellationToken))
                        {
                            tables.Add(reader.GetString(0));
                        }
                    }

                    foreach (var table in tables)
                    {
                        await using var dump = new Npgsql.NpgsqlCommand($"SELECT t::text FROM \"{table}\" t", connection);
                        await using var rows = await dump.ExecuteReaderAsync(cancellationToken);
                        while (await rows.ReadAsync(cancellationToken))
                        {
                            text.AppendLine(rows.GetString(0));
                        }
                    }
                }

                break;

            case "AzureStorage":
                var account = Storage.AzureStorage.AzureStorageAccount.Connect(_connectionString, _namePrefix);
                await foreach (var table in account.Tables.QueryAsync(cancellationToken: cancellationToken))
                {
                    if (!table.Name.StartsWith(_namePrefix, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    await foreach (var entity in account.Tables.GetTableClient(table.Name).QueryAsync<Azure.Data.Tables.TableEntity>(cancellationToken: cancellationToken))
                    {
                        foreach (var value in ((IDictionary<string, object>)entity).Values)
                        {
                            text.AppendLine(value is byte[] bytes ? Encoding.Latin1.GetString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                        }
                    }
                }

                await foreach (var container in account.Blobs.GetBlobContainersAsync(prefix: _namePrefix, cancellationToken: cancellationToken))
                {
                    var blobs = account.Blobs.GetBlobContainerClient(container.Name);
                    await foreach (var blob in blobs.GetBlobsAsync(cancellationToken: cancellationToken))
                    {
                        text.AppendLine(Encoding.Latin1.GetString((await blobs.GetBlobClient(blob.Name).DownloadContentAsync(cancellationToken)).Value.Content.ToArray()));
                    }
                }

                break;

            default:
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var file in Directory.GetFiles(_folder))
                {
                    FileStream stream;
                    try
                    {
                        stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    }
                    catch (FileNotFoundException)
                    {
                        // SQLite deletes the -wal file when the last connection closes, after checkpointing it into the
                        // database file, and every test server that stops clears all connection pools: it may go between
                        // list and open.
                        continue;
                    }

                    await using (stream)
                    {
                        using var reader = new StreamReader(stream, Encoding.Latin1);
                        text.Append(await reader.ReadToEndAsync(cancellationToken));
                    }
                }

                break;
        }

        return text.ToString();
    }

    // Each server in the process is a cluster of its own, on a store of its own.
    private async Task<string[]> StoreSettingsAsync()
    {
        var cluster = $"--SetHub:Cluster:ClusterId=http-{Guid.NewGuid():N}";
        switch (StorageMode)
        {
            case "Postgres":
                (_, _connectionString) = await PostgresTestServer.CreateDatabaseAsync("sethub_http");
                return ["--SetHub:Storage:Provider=Postgres", $"--ConnectionStrings:SetHub={_connectionString}", cluster, "--SetHub:Cluster:AdvertisedAddress=127.0.0.1"];

            case "AzureStorage":
                _connectionString = AzuriteTestServer.RequireConnectionString();
                _namePrefix = AzuriteTestServer.NewPrefix();
                return ["--SetHub:Storage:Provider=AzureStorage", $"--ConnectionStrings:SetHub={_connectionString}", $"--SetHub:Storage:NamePrefix={_namePrefix}",
                    cluster, "--SetHub:Cluster:AdvertisedAddress=127.0.0.1"];

            default:
                _connectionString = $"Data Source={DatabasePath}";
                return [$"--ConnectionStrings:SetHub={_connectionString}"];
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
