using Npgsql;
using SetHub.Storage.Postgres;
using SetHub.Tests.Shared;

namespace SetHub.Storage.Tests;

/// <summary>The store contract on a real PostgreSQL database, plus what is specific to the cluster store.</summary>
public sealed class PostgresStoreTests : StoreContractTests
{
    private string? _databaseName;
    private string _connectionString = string.Empty;

    protected override async Task<StoreUnderTest> CreateStoreAsync()
    {
        (_databaseName, _connectionString) = await PostgresTestServer.CreateDatabaseAsync("store");
        var database = new PostgresDatabase(_connectionString);
        await database.InitializeAsync(TestContext.Current.CancellationToken);
        return new StoreUnderTest(database, new Cleanup(database, _databaseName));
    }

    [Fact]
    public async Task Initialize_ByTenNodesAtOnce_MigratesOnce()
    {
        var nodes = Enumerable.Range(0, 10).Select(_ => new PostgresDatabase(_connectionString)).ToArray();

        await Task.WhenAll(nodes.Select(node => node.InitializeAsync(TestContext.Current.CancellationToken)));

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*), count(DISTINCT version) FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        await reader.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal(reader.GetInt64(1), reader.GetInt64(0));
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task EveryTenantTable_IsKeyedByTenantFirst()
    {
        // So the schema can be distributed by tenant (README: sharding with Citus).
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT t.relname, a.attname
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
            WHERE i.indisprimary AND t.relname NOT IN ('settings', 'schema_migrations', 'timers')
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var tables = 0;
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            tables++;
            Assert.True(reader.GetString(1) == "tenant_id", $"{reader.GetString(0)} is keyed by {reader.GetString(1)}");
        }

        Assert.True(tables >= 10);
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
