using SetHub.Storage.Relational;
using SetHub.Storage.Sqlite;

namespace SetHub.Storage.Tests.OrleansProviders;

/// <summary>The Orleans provider contract on a real SQLite file.</summary>
public sealed class SqliteProviderTests : ProviderContractTests
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

    private sealed class Cleanup(SqliteDatabase database, string? folder) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            database.Dispose();
            if (folder is not null)
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
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
