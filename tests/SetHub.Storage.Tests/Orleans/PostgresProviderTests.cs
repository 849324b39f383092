using Npgsql;
using SetHub.Storage.Postgres;
using SetHub.Storage.Relational;
using SetHub.Tests.Shared;

namespace SetHub.Storage.Tests.OrleansProviders;

/// <summary>The Orleans provider contract on a real PostgreSQL database (the one test.sh starts; under CI its absence
/// fails these tests).</summary>
public sealed class PostgresProviderTests : ProviderContractTests
{
    private string _connectionString = string.Empty;

    protected override async Task<(RelationalDatabase Database, IAsyncDisposable Owner)> CreateDatabaseAsync()
    {
        var (name, connectionString) = await PostgresTestServer.CreateDatabaseAsync("providers");
        _connectionString = connectionString;
        var database = new PostgresDatabase(connectionString);
        await database.InitializeAsync(Cancel);
        return (database, new Cleanup(database, name));
    }

    protected override Task<(RelationalDatabase Database, IAsyncDisposable Owner)> OpenAnotherNodeAsync()
    {
        var database = new PostgresDatabase(_connectionString);
        return Task.FromResult<(RelationalDatabase, IAsyncDisposable)>((database, database));
    }

    [Fact]
    public async Task ProviderTables_LiveInTheirOwnSchema_NotAmongTheTenantTables()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_name IN ('grain_state', 'reminders', 'membership_versions', 'membership_silos') ORDER BY 1",
            connection);
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        var tables = new List<string>();
        while (await reader.ReadAsync(Cancel))
        {
            tables.Add(reader.GetString(0));
        }

        Assert.Equal(["orleans.grain_state", "orleans.membership_silos", "orleans.membership_versions", "orleans.reminders"], tables);
    }

    private sealed class Cleanup(PostgresDatabase database, string databaseName) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await database.DisposeAsync();
            await PostgresTestServer.DropDatabaseAsync(databaseName);
        }
    }
}
