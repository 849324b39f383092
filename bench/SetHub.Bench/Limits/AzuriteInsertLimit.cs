using System.Diagnostics;
using Azure.Data.Tables;
using SetHub.Bench.Hosting;
using SetHub.Bench.Measure;

namespace SetHub.Bench.Limits;

/// <summary>
/// Raw limit (c), Azurite: entities per second into a table of the bench's Azurite. (1) 100-entity entity-group
/// transactions (Azure's largest), each in a partition of its own, over several connections: the most rows a client
/// gets into the emulator. Also one such transaction's time alone. (2) One-entity transactions in distinct
/// partitions, many at once: what a write to many partitions (a fan-out, SetHub's SET log has a partition per stream)
/// gets at best. The rows are the same ~700-byte rows as the other stores' limits.
/// </summary>
public static class AzuriteInsertLimit
{
    private const int BatchConnections = 4;
    private const int SingleConcurrency = 16;

    public static async Task<(double RowsPerSecond, double BatchCommitMs, double SinglesPerSecond)> MeasureAsync(
        AzuriteServer azurite, TimeSpan duration, CancellationToken cancellationToken)
    {
        var service = new TableServiceClient(azurite.ConnectionString);
        var name = "rawlimits" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        var table = service.GetTableClient(name);
        await table.CreateAsync(cancellationToken);
        try
        {
            var commits = new Samples();
            await BatchesAsync(table, 1, duration / 4, commits, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var rows = await BatchesAsync(table, BatchConnections, duration, null, cancellationToken);
            var rowsPerSecond = rows / Stopwatch.GetElapsedTime(started).TotalSeconds;

            started = Stopwatch.GetTimestamp();
            var singles = await SinglesAsync(table, duration, cancellationToken);
            return (rowsPerSecond, commits.Summarize().P50, singles / Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        finally
        {
            await service.DeleteTableAsync(name, CancellationToken.None);
        }
    }

    private static async Task<long> BatchesAsync(TableClient table, int connections, TimeSpan duration, Samples? commits, CancellationToken cancellationToken)
    {
        long rows = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var (streams, jtis, bodies) = InsertRows.Batch();
                var actions = Enumerable.Range(0, InsertRows.BatchSize)
                    .Select(i => new TableTransactionAction(TableTransactionActionType.Add, Row(streams[0], jtis[i], bodies[i])))
                    .ToList();
                var sent = Stopwatch.GetTimestamp();
                await table.SubmitTransactionAsync(actions, cancellationToken);
                commits?.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                Interlocked.Add(ref rows, InsertRows.BatchSize);
            }
        }));
        return rows;
    }

    private static async Task<long> SinglesAsync(TableClient table, TimeSpan duration, CancellationToken cancellationToken)
    {
        long rows = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, SingleConcurrency).Select(async _ =>
        {
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var (streams, jtis, bodies) = InsertRows.Batch();
                for (var i = 0; i < InsertRows.BatchSize && Stopwatch.GetElapsedTime(started) < duration; i++)
                {
                    await table.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Add, Row(streams[i], jtis[i], bodies[i]))], cancellationToken);
                    Interlocked.Increment(ref rows);
                }
            }
        }));
        return rows;
    }

    private static TableEntity Row(string partition, string jti, string body) => new(partition, jti)
    {
        ["TenantId"] = "bench",
        ["Token"] = body,
        ["QueuedAt"] = DateTimeOffset.UtcNow,
    };
}
