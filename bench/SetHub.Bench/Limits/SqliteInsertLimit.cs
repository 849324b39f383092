using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SetHub.Bench.Measure;

namespace SetHub.Bench.Limits;

/// <summary>
/// Raw limit (c), SQLite: rows per second into a file in WAL mode with synchronous FULL (durable at each commit, as
/// the hub runs it), 100 rows per transaction on one connection (SQLite takes one writer at a time). Also the time
/// of one such transaction.
/// </summary>
public static class SqliteInsertLimit
{
    public static async Task<(double RowsPerSecond, double BatchCommitMs)> MeasureAsync(string folder, TimeSpan duration, CancellationToken cancellationToken)
    {
        SQLitePCL.Batteries_V2.Init();
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "raw-limit.db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        try
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "PRAGMA journal_mode = WAL", cancellationToken);
            await ExecuteAsync(connection, "PRAGMA synchronous = FULL", cancellationToken);
            await ExecuteAsync(connection,
                "CREATE TABLE queued_sets (tenant_id TEXT NOT NULL, stream_id TEXT NOT NULL, jti TEXT NOT NULL, token TEXT NOT NULL, " +
                "queued_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (tenant_id, stream_id, jti))",
                cancellationToken);

            var commits = new Samples();
            var started = Stopwatch.GetTimestamp();
            long rows = 0;
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var sent = Stopwatch.GetTimestamp();
                await InsertBatchAsync(connection, cancellationToken);
                commits.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                rows += InsertRows.BatchSize;
            }

            return (rows / Stopwatch.GetElapsedTime(started).TotalSeconds, commits.Summarize().P50);
        }
        finally
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private static async Task InsertBatchAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var (streams, jtis, bodies) = InsertRows.Batch();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO queued_sets (tenant_id, stream_id, jti, token) VALUES ('bench', $s, $j, $t)";
        var stream = insert.Parameters.Add("$s", SqliteType.Text);
        var jti = insert.Parameters.Add("$j", SqliteType.Text);
        var body = insert.Parameters.Add("$t", SqliteType.Text);
        for (var i = 0; i < InsertRows.BatchSize; i++)
        {
            (stream.Value, jti.Value, body.Value) = (streams[i], jtis[i], bodies[i]);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
