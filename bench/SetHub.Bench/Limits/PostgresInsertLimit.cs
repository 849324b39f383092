using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using SetHub.Bench.Hosting;
using SetHub.Bench.Measure;

namespace SetHub.Bench.Limits;

/// <summary>
/// Raw limit (c), PostgreSQL: rows per second into the bench's durable server, 100 rows per statement
/// (<c>INSERT … SELECT FROM unnest(…)</c>, each its own commit) over several connections, as a hub's publishes
/// arrive from several requests at once. Also the time of one such commit alone.
/// </summary>
public static class PostgresInsertLimit
{
    private const string Database = "bench_raw_limits";
    private const int Connections = 4;

    public static async Task<(double RowsPerSecond, double BatchCommitMs)> MeasureAsync(
        PostgresServer server, TimeSpan duration, CancellationToken cancellationToken)
    {
        await server.CreateDatabaseAsync(Database, cancellationToken);
        try
        {
            var connectionString = server.ConnectionString(Database);
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync(cancellationToken);
                await using var create = new NpgsqlCommand(
                    "CREATE TABLE queued_sets (tenant_id text NOT NULL, stream_id text NOT NULL, jti text NOT NULL, token text NOT NULL, " +
                    "queued_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tenant_id, stream_id, jti))",
                    connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            var commits = new Samples();
            await RunAsync(connectionString, 1, duration / 4, commits, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var rows = await RunAsync(connectionString, Connections, duration, null, cancellationToken);
            return (rows / Stopwatch.GetElapsedTime(started).TotalSeconds, commits.Summarize().P50);
        }
        finally
        {
            await server.DropDatabaseAsync(Database);
        }
    }

    private static async Task<long> RunAsync(string connectionString, int connections, TimeSpan duration, Samples? commits, CancellationToken cancellationToken)
    {
        long rows = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var (streams, jtis, bodies) = InsertRows.Batch();
                await using var insert = new NpgsqlCommand(
                    "INSERT INTO queued_sets (tenant_id, stream_id, jti, token) SELECT 'bench', s, j, t FROM unnest(@s, @j, @t) AS x(s, j, t)",
                    connection);
                insert.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = streams });
                insert.Parameters.Add(new NpgsqlParameter("j", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = jtis });
                insert.Parameters.Add(new NpgsqlParameter("t", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = bodies });
                var sent = Stopwatch.GetTimestamp();
                await insert.ExecuteNonQueryAsync(cancellationToken);
                commits?.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                Interlocked.Add(ref rows, InsertRows.BatchSize);
            }
        }));
        return rows;
    }
}
