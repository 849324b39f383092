using System.Diagnostics;

namespace SetHub.Tests.Shared;

/// <summary>
/// A PostgreSQL 15 server of one test's own (initdb into a temporary folder, a free loopback port), for tests that
/// restart or stop the database and must not disturb the others. Runs as the postgres user when the tests run as root.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private const string BinVariable = "SETHUB_TEST_POSTGRES_BIN";

    private readonly string _bin;
    private readonly string _data;

    private PrivatePostgres(string bin, string data, int port)
    {
        _bin = bin;
        _data = data;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    /// <summary>Creates and starts a server; fails (CI) or skips without PostgreSQL binaries.</summary>
    public static async Task<PrivatePostgres> StartAsync()
    {
        PostgresTestServer.RequireConnectionString();
        var bin = Environment.GetEnvironmentVariable(BinVariable);
        if (string.IsNullOrEmpty(bin))
        {
            Assert.Fail($"{BinVariable} is not set; run ./test.sh.");
        }

        var data = Path.Combine(Path.GetTempPath(), "sethub-private-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "postgres", data);
        }

        var server = new PrivatePostgres(bin!, data, LoopbackPorts.Free());
        await server.AsPostgresAsync("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync");
        await server.ControlAsync("start");
        return server;
    }

    /// <summary>Restarts the server: every connection breaks.</summary>
    public Task RestartAsync() => ControlAsync("restart", "-m", "fast");

    /// <summary>Stops the server.</summary>
    public Task StopAsync() => AsPostgresAsync("pg_ctl", "-D", _data, "-w", "-t", "60", "-m", "immediate", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }

        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private Task ControlAsync(string action, params string[] extra) => AsPostgresAsync(
        ["pg_ctl", "-D", _data, "-l", Path.Combine(_data, "server.log"), "-w", "-t", "60", .. extra,
         "-o", $"-p {Port} -k {_data} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200", action]);

    private Task AsPostgresAsync(params string[] command)
    {
        var tool = Path.Combine(_bin, command[0]);
        return Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", tool, .. command[1..]])
            : RunAsync(tool, command[1..]);
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}
