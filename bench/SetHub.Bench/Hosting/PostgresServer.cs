using System.Globalization;
using Npgsql;

namespace SetHub.Bench.Hosting;

/// <summary>
/// The bench's own PostgreSQL 15 server, which bench/run.sh creates with initdb in a temporary folder and starts with
/// the durable defaults (fsync and synchronous_commit on): figures on PostgreSQL mean what they would in production.
/// The bench makes one database per scenario in it and drops it afterwards.
/// </summary>
public sealed class PostgresServer(string connectionString, string? dataFolder)
{
    private readonly NpgsqlConnectionStringBuilder _builder = new(connectionString);

    /// <summary>The postmaster's process id (from postmaster.pid), so its CPU counts as the bench's own.</summary>
    public int? PostmasterPid
    {
        get
        {
            var file = dataFolder is null ? null : Path.Combine(dataFolder, "postmaster.pid");
            return file is not null && File.Exists(file)
                ? int.Parse(File.ReadLines(file).First(), CultureInfo.InvariantCulture)
                : null;
        }
    }

    /// <summary>A connection string for database <paramref name="database"/>.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder(_builder.ConnectionString) { Database = database }.ConnectionString;

    public async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAdminAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SHOW server_version", connection);
        var version = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        await using var settings = new NpgsqlCommand("SELECT current_setting('fsync') || '/' || current_setting('synchronous_commit')", connection);
        return $"{version} (fsync/synchronous_commit: {await settings.ExecuteScalarAsync(cancellationToken)})";
    }

    public async Task CreateDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAdminAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Drops a database, closing whatever connections a killed node left.</summary>
    public async Task DropDatabaseAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = await OpenAdminAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private async Task<NpgsqlConnection> OpenAdminAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
