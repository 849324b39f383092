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
        // A fresh database: the ten nodes really race to create the schema (without the advisory lock, all but one
        // fail on duplicate objects).
        var (name, connectionString) = await PostgresTestServer.CreateDatabaseAsync("migrate");
        var nodes = Enumerable.Range(0, 10).Select(_ => new PostgresDatabase(connectionString)).ToArray();
        try
        {
            await Task.WhenAll(nodes.Select(node => node.InitializeAsync(TestContext.Current.CancellationToken)));

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand("SELECT count(*), count(DISTINCT version), max(version) FROM schema_migrations", connection);
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            await reader.ReadAsync(TestContext.Current.CancellationToken);
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
    public async Task Claim_SkipsStreamsAnotherNodeIsClaiming_WithoutWaiting()
    {
        // FOR UPDATE SKIP LOCKED: rows another node's claim transaction holds are skipped, not waited for.
        for (var i = 0; i < 10; i++)
        {
            await Store.Streams.CreateStreamAsync(TestData.Stream(id: $"s{i}", delivery: TestData.Push()), cancellationToken: Cancel);
        }

        await Store.Sets.EnqueueAsync(Enumerable.Range(0, 10).Select(i => TestData.Set($"j{i}", streamId: $"s{i}")).ToArray(), Cancel);

        await using var other = new NpgsqlConnection(_connectionString);
        await other.OpenAsync(Cancel);
        await using var transaction = await other.BeginTransactionAsync(Cancel);
        await using (var lockRows = new NpgsqlCommand("SELECT 1 FROM delivery_schedule WHERE stream_id IN ('s0','s1','s2','s3','s4') FOR UPDATE", other, transaction))
        {
            await lockRows.ExecuteNonQueryAsync(Cancel);
        }

        var claimed = await Store.Push.ClaimStreamsAsync("node-a", 10, TestData.Now, TestData.Now.AddMinutes(5), Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);

        Assert.Equal(["s5", "s6", "s7", "s8", "s9"], claimed.Select(c => c.StreamId).Order());
        await transaction.RollbackAsync(Cancel);
    }

    [Fact]
    public async Task DeletingAStream_WhilePublishingToIt_LeavesNothingBehind_AndDoesNotDeadlock()
    {
        // A publish share-locks the stream, inserts its SETs, then marks the stream due. A delete arriving in between
        // waits for the stream's lock and then removes everything the publish wrote.
        await Store.Streams.CreateStreamAsync(TestData.Stream(delivery: TestData.Push()), cancellationToken: Cancel);
        await using var publisher = new NpgsqlConnection(_connectionString);
        await publisher.OpenAsync(Cancel);
        await using var publish = await publisher.BeginTransactionAsync(Cancel);
        await ExecuteAsync(publisher, publish, "SELECT 1 FROM streams WHERE tenant_id = 'acme' AND stream_id = 's1' FOR SHARE");
        await ExecuteAsync(publisher, publish, """
            INSERT INTO sets (tenant_id, stream_id, jti, token, event_type, is_control, created_at, due_at, attempts, state, lane, queued_at)
            VALUES ('acme', 's1', 'j1', 't', 'e', false, 0, 0, 0, 0, 'push', 0)
            """);

        var delete = Store.Streams.DeleteStreamAsync("acme", "s1", Cancel);
        await WaitUntilALockIsAwaitedAsync(); // the delete now waits for the publish
        await ExecuteAsync(publisher, publish, """
            INSERT INTO delivery_schedule (tenant_id, stream_id, due_at, failures) VALUES ('acme', 's1', 0, 0)
            ON CONFLICT (tenant_id, stream_id) DO UPDATE SET due_at = excluded.due_at
            """);
        await publish.CommitAsync(Cancel);

        Assert.True(await delete.WaitAsync(TimeSpan.FromSeconds(20), Cancel));
        await using var check = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM sets WHERE stream_id = 's1') + (SELECT count(*) FROM delivery_schedule WHERE stream_id = 's1')", publisher);
        Assert.Equal(0L, await check.ExecuteScalarAsync(Cancel));
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task WaitUntilALockIsAwaitedAsync()
    {
        await using var monitor = new NpgsqlConnection(_connectionString);
        await monitor.OpenAsync(Cancel);
        await using var waiting = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", monitor);
        for (var attempt = 0; (long)(await waiting.ExecuteScalarAsync(Cancel))! == 0; attempt++)
        {
            Assert.True(attempt < 400, "the delete never waited for the publish's lock");
            await Task.Delay(25, Cancel);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(Cancel);
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
