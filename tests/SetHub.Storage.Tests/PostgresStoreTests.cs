using Npgsql;
using SetHub.Storage.Postgres;
using SetHub.Storage.Relational;
using SetHub.Tests.Shared;

namespace SetHub.Storage.Tests;

/// <summary>The Orleans provider contract on a real PostgreSQL database (the one test.sh starts; under CI its absence
/// fails these tests).</summary>
public sealed class PostgresStoreTests : RelationalStoreContractTests
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

    protected override System.Reflection.Assembly MigrationsAssembly => typeof(PostgresDatabase).Assembly;

    protected override int LastVersionBeforeOrleans => 2;

    protected override async Task<(RelationalDatabase Database, IAsyncDisposable Owner)> CreateUnmigratedDatabaseAsync()
    {
        var (name, connectionString) = await PostgresTestServer.CreateDatabaseAsync("upgrade");
        var database = new PostgresDatabase(connectionString);
        return (database, new Cleanup(database, name));
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

    [Fact]
    public async Task Initialize_ByTenNodesAtOnce_MigratesOnce()
    {
        // A fresh database: the ten nodes really race to create the schema (without the advisory lock, all but one
        // fail on duplicate objects).
        var (name, connectionString) = await PostgresTestServer.CreateDatabaseAsync("migrate");
        var nodes = Enumerable.Range(0, 10).Select(_ => new PostgresDatabase(connectionString)).ToArray();
        try
        {
            await Task.WhenAll(nodes.Select(node => node.InitializeAsync(Cancel)));

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(Cancel);
            await using var command = new NpgsqlCommand("SELECT count(*), count(DISTINCT version), max(version) FROM schema_migrations", connection);
            await using var reader = await command.ExecuteReaderAsync(Cancel);
            await reader.ReadAsync(Cancel);
            Assert.Equal(reader.GetInt64(1), reader.GetInt64(0));
            Assert.Equal(reader.GetInt64(0), reader.GetInt32(2));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            await PostgresTestServer.DropDatabaseAsync(name);
        }
    }

    [Fact]
    public async Task EveryTenantTable_IsKeyedByTenantFirst()
    {
        // So SetHub's own tables can be distributed by tenant (README: sharding); the Orleans providers' tables are in
        // their own schema.
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand("""
            SELECT t.relname, a.attname
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
            WHERE i.indisprimary AND t.relname NOT IN ('settings', 'schema_migrations')
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        var tables = new List<string>();
        while (await reader.ReadAsync(Cancel))
        {
            tables.Add(reader.GetString(0));
            Assert.True(reader.GetString(1) == "tenant_id", $"{reader.GetString(0)} is keyed by {reader.GetString(1)}");
        }

        Assert.Contains("set_log", tables);
        Assert.Contains("set_heads", tables);
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
