using SetHub.Storage.Relational;
using SetHub.Storage.Sqlite;

namespace SetHub.Storage.Tests;

/// <summary>The Orleans provider contract on a real SQLite file.</summary>
public sealed class SqliteStoreTests : RelationalStoreContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sethub-tests", Guid.NewGuid().ToString("N"));

    private string ConnectionString => $"Data Source={Path.Combine(_folder, "providers.db")}";

    protected override async Task<(RelationalDatabase Database, IAsyncDisposable Owner)> CreateDatabaseAsync()
    {
        var database = new SqliteDatabase(ConnectionString);
        await database.InitializeAsync(Cancel);
        return (database, new Cleanup(database, _folder));
    }

    // Another SqliteDatabase on the same file has its own writer lock, like another process would.
    protected override Task<(RelationalDatabase Database, IAsyncDisposable Owner)> OpenAnotherNodeAsync()
    {
        var database = new SqliteDatabase(ConnectionString);
        return Task.FromResult<(RelationalDatabase, IAsyncDisposable)>((database, new Cleanup(database, folder: null)));
    }

    protected override System.Reflection.Assembly MigrationsAssembly => typeof(SqliteDatabase).Assembly;

    protected override int LastVersionBeforeOrleans => 3;

    protected override Task<(RelationalDatabase Database, IAsyncDisposable Owner)> CreateUnmigratedDatabaseAsync()
    {
        var database = new SqliteDatabase($"Data Source={Path.Combine(_folder, "unmigrated.db")}");
        return Task.FromResult<(RelationalDatabase, IAsyncDisposable)>((database, new Cleanup(database, folder: null)));
    }

    [Fact]
    public async Task Initialize_Twice_AppliesMigrationsOnce()
    {
        using var again = new SqliteDatabase(ConnectionString);
        await again.InitializeAsync(Cancel);

        Assert.Equal(0, await new MigrationRunner(again, typeof(SqliteDatabase).Assembly).RunAsync(Cancel));
    }

    [Fact]
    public async Task Initialize_OnASchemaNewerThanTheBuild_Refuses()
    {
        await Database.WriteAsync(
            (connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_the_future', 0)";
                return command.ExecuteNonQueryAsync(Cancel);
            },
            Cancel);
        using var older = new SqliteDatabase(ConnectionString);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => older.InitializeAsync(Cancel));

        Assert.Contains("newer than this SetHub build", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_SurviveReopeningTheFile()
    {
        var claim = await CreateSetLog(Database).ClaimAsync(new Core.Storage.StreamKey("acme", "s"), "silo", 10, Cancel);
        var write = new Core.Storage.LogWrite();
        write.Appends.Add(new Core.Storage.LogEntry((claim.Head.Epoch << 32) + 1, "durable", "token", "type", false, DateTimeOffset.UnixEpoch));
        await CreateSetLog(Database).WriteAsync(new Core.Storage.StreamKey("acme", "s"), claim.Head.Epoch, write, Cancel);

        using var reopened = new SqliteDatabase(ConnectionString);
        await reopened.InitializeAsync(Cancel);
        var read = await CreateSetLog(reopened).ReadAsync(new Core.Storage.StreamKey("acme", "s"), long.MinValue, 10, cancellationToken: Cancel);

        Assert.Equal(["durable"], read.Select(entry => entry.Jti));
    }

    private sealed class Cleanup(SqliteDatabase database, string? folder) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            database.Dispose();
            if (folder is not null)
            {
                try
                {
                    System.IO.Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                    // A temp folder left behind is harmless.
                }
            }

            return ValueTask.CompletedTask;
        }
    }
}
