using System.Data.Common;
using Microsoft.Data.Sqlite;
using SetHub.Core.Storage;
using SetHub.Storage.Relational;

namespace SetHub.Storage.Sqlite;

/// <summary>
/// The embedded SQLite database. Readers run concurrently (WAL) on pooled connections; every write goes through one
/// writer thread (<see cref="SqliteWriter"/>), which commits the writes queued meanwhile in one transaction with the
/// default <c>synchronous=FULL</c>: once a write returns, it survives a crash.
/// </summary>
public sealed class SqliteDatabase : RelationalDatabase, IStoreInitializer, IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteWriter _writer;

    static SqliteDatabase() => SQLitePCL.Batteries_V2.Init();

    /// <summary>Opens (or creates) the database named by <paramref name="connectionString"/>; its folder is created
    /// when missing.</summary>
    public SqliteDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        };

        if (builder.DataSource is { Length: > 0 } path && path != ":memory:")
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }
        }

        _connectionString = builder.ToString();
        _writer = new SqliteWriter(_connectionString);
    }

    /// <inheritdoc />
    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <inheritdoc />
    public override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _writer.WriteAsync(work, cancellationToken);
    }

    /// <inheritdoc />
    public override string InList(string parameterName) => $"IN (SELECT value FROM json_each({parameterName}))";

    /// <inheritdoc />
    public override void AddList(DbCommand command, string parameterName, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = parameterName;
        parameter.Value = Core.Json.JsonArrays.Write(values);
        command.Parameters.Add(parameter);
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        // WAL lets readers proceed while a writer commits; the setting is stored in the file.
        await using (var connection = await OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA journal_mode = WAL";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await new MigrationRunner(this, typeof(SqliteDatabase).Assembly).RunAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _writer.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
