using Azure.Data.Tables;
using SetHub.Core.Storage;
using static SetHub.Storage.AzureStorage.SetLog.LogEntities;

namespace SetHub.Storage.AzureStorage.SetLog;

/// <summary>
/// <see cref="ISetLog"/> on Azure Table: a partition per stream (<see cref="LogEntities"/>). Claims and writes queue
/// per partition and commit as entity-group transactions in order (<see cref="PartitionQueues"/>,
/// <see cref="PartitionWriter"/>); reads query the partition directly, following continuation tokens.
/// </summary>
public sealed class AzureTableSetLog : ISetLog, IDisposable
{
    /// <summary>How many partitions commit at once: enough to keep a fan-out's transactions flowing, few enough that
    /// the HTTP connection pool and the account's request rate are not swamped.</summary>
    private const int MaxConcurrentPartitions = 64;

    private readonly TableClient _log;
    private readonly LogOwners _owners;
    private readonly PartitionWriter _writer;
    private readonly PartitionQueues _queues;

    /// <summary>Creates the log on the account's SET log table.</summary>
    public AzureTableSetLog(AzureStorageAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        _log = account.Tables.GetTableClient(account.Names.SetLog);
        _owners = new LogOwners(account.Tables.GetTableClient(account.Names.LogOwners));
        _writer = new PartitionWriter(_log, _owners);
        _queues = new PartitionQueues(_writer.ExecuteAsync, MaxConcurrentPartitions);
    }

    /// <inheritdoc />
    public Task<LogClaim> ClaimAsync(StreamKey stream, string owner, int windowSize, CancellationToken cancellationToken = default)
    {
        var claim = new ClaimLogOperation(stream, owner, windowSize);
        _queues.Submit(claim);
        return claim.Task;
    }

    /// <inheritdoc />
    public Task<LogWriteResult> WriteAsync(StreamKey stream, long epoch, LogWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        foreach (var entry in write.Appends)
        {
            // Refused here, not in the middle of a batch: the publish API keeps SETs well below this.
            ArgumentOutOfRangeException.ThrowIfGreaterThan(entry.Token.Length, LogLimits.MaxTokenLength, nameof(write));
        }

        var operation = new WriteLogOperation(stream, epoch, write);
        _queues.Submit(operation);
        return operation.Task;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LogEntry>> ReadAsync(StreamKey stream, long afterPosition, int limit, bool controlOnly = false, CancellationToken cancellationToken = default) =>
        await _writer.ReadQueuedAsync(Partition(stream), afterPosition, limit, controlOnly);

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(StreamKey stream, int limit, CancellationToken cancellationToken = default)
    {
        var partition = Partition(stream);
        var rows = await _log.QueryPartitionAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {"q"} and RowKey lt {AfterSets} and State eq {Dead}"),
            cancellationToken,
            ["RowKey", "Jti", "EventType", "CreatedAt", "QueuedAt", "Attempts", "LastError", .. TokenProperties],
            limit);
        return [.. rows.Select(ReadDeadLetter)];
    }

    /// <inheritdoc />
    public async Task<LogCounts> CountAsync(StreamKey stream, CancellationToken cancellationToken = default)
    {
        var partition = Partition(stream);
        var rows = await _log.QueryPartitionAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {"q"} and RowKey lt {AfterSets}"),
            cancellationToken,
            ["State", "IsControl", "DoneAt"]);
        var queued = rows.Where(row => row.GetInt32("State") == Queued).ToList();
        return new LogCounts(
            queued.Count,
            queued.Count(row => row.GetFlag("IsControl")),
            rows.Count(row => row.GetInt32("State") == Dead),
            rows.Select(row => row.GetDateTimeOffset("DoneAt")).Max());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LoggedSet>> FindAsync(string tenantId, string? transaction, string? jti, CancellationToken cancellationToken = default)
    {
        // Across the tenant's partitions: a scan of the log table, filtered by the service (the trace is not a hot path;
        // the README says what it costs).
        var filter = transaction is not null
            ? TableClient.CreateQueryFilter($"TenantId eq {tenantId} and Txn eq {transaction}")
            : TableClient.CreateQueryFilter($"TenantId eq {tenantId} and Jti eq {jti}");
        var rows = await _log.QueryPartitionAsync(filter, cancellationToken);
        return [.. rows.Select(ReadLoggedSet).OrderBy(set => set.StreamId, StringComparer.Ordinal).ThenBy(set => set.Position)];
    }

    /// <inheritdoc />
    public async Task DeleteAsync(StreamKey stream, CancellationToken cancellationToken = default)
    {
        var partition = Partition(stream);
        var head = await _log.FindAsync(partition, HeadKey, cancellationToken, ["Owner"]);

        // The head first: from then on every write of the activation that owned it fails its fence.
        await _log.DeleteIfExistsAsync(partition, HeadKey, cancellationToken);
        _writer.Forget(stream);
        var rows = await _log.QueryPartitionAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken, ["PartitionKey", "RowKey"]);
        await _log.SubmitInChunksAsync([.. rows.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, Azure.ETag.All))], cancellationToken);
        if (head?.GetString("Owner") is { } owner)
        {
            await _owners.DeleteAsync(TableKeys.Encode(owner), partition, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StreamKey>> FindOrphanedAsync(IReadOnlyCollection<string> liveOwners, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(liveOwners);
        var candidates = await _owners.FindOwnedByOthersAsync(liveOwners, cancellationToken);
        var orphans = new List<StreamKey>();
        foreach (var chunk in candidates.Chunk(32))
        {
            var queued = await Task.WhenAll(chunk.Select(candidate => HasQueuedAsync(candidate.Stream, cancellationToken)));
            orphans.AddRange(chunk.Where((_, i) => queued[i]).Select(candidate => candidate.Stream));
        }

        return orphans;
    }

    /// <inheritdoc />
    public void Dispose() => _queues.Dispose();

    private async Task<bool> HasQueuedAsync(StreamKey stream, CancellationToken cancellationToken)
    {
        var partition = Partition(stream);
        var rows = await _log.QueryPartitionAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {"q"} and RowKey lt {AfterSets} and State eq {Queued}"),
            cancellationToken,
            ["RowKey"],
            1);
        return rows.Count > 0;
    }
}
