using System.Diagnostics;
using Npgsql;

namespace SetHub.Tests.Shared;

/// <summary>
/// The throwaway PostgreSQL cluster test.sh starts (<c>SETHUB_TEST_POSTGRES</c>). A test that needs it fails when
/// CI is set and the database is missing, and is reported as skipped (never passed) elsewhere.
/// </summary>
public static class PostgresTestServer
{
    private const string ConnectionVariable = "SETHUB_TEST_POSTGRES";
    private const string RestartVariable = "SETHUB_TEST_POSTGRES_RESTART";

    /// <summary>The connection string of the test cluster's admin database; fails or skips the test without one.</summary>
    public static string RequireConnectionString()
    {
        var connectionString = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrEmpty(connectionString))
        {
            return connectionString;
        }

        var message = $"PostgreSQL is not available: {ConnectionVariable} is not set. Run ./test.sh, which starts a throwaway PostgreSQL 15.";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
        return string.Empty;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<(string Name, string ConnectionString)> CreateDatabaseAsync(string prefix)
    {
        var admin = RequireConnectionString();
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return (name, new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
    }

    /// <summary>Drops a database created by <see cref="CreateDatabaseAsync"/>, disconnecting whoever still uses it.</summary>
    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(RequireConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Restarts the PostgreSQL server (every connection breaks) and waits until it accepts connections again.</summary>
    public static async Task RestartAsync()
    {
        var restart = Environment.GetEnvironmentVariable(RestartVariable);
        if (string.IsNullOrEmpty(restart))
        {
            Assert.Fail($"{RestartVariable} is not set; run ./test.sh.");
        }

        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", restart!]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"PostgreSQL restart failed: {output}");
    }
}
