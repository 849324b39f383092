using Azure;
using Azure.Data.Tables;
using SetHub.Core.Storage;

namespace SetHub.Storage.AzureStorage;

/// <summary><see cref="IIdempotencyStore"/> on its own table: a partition per tenant, an entity per key. Records are
/// inserted, never upserted, so of racing nodes one wins and the others read its record; an expired one is replaced on
/// its ETag.</summary>
public sealed class AzureIdempotencyStore(AzureStorageAccount account) : IIdempotencyStore
{
    private readonly TableClient _table = account.Tables.GetTableClient(account.Names.IdempotencyKeys);

    /// <inheritdoc />
    public async Task<IdempotencyRecord> GetOrAddAsync(string tenantId, string key, IdempotencyRecord candidate, DateTimeOffset expiredBefore, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var entity = ToEntity(tenantId, key, candidate);
        while (true)
        {
            try
            {
                await _table.AddEntityAsync(entity, cancellationToken);
                return candidate;
            }
            catch (RequestFailedException exception) when (exception.Status == 409)
            {
                // Recorded already: read it below.
            }

            if (await _table.FindAsync(entity.PartitionKey, entity.RowKey, cancellationToken) is not { } stored)
            {
                continue; // purged between the two calls: insert again
            }

            if (stored.GetTime("CreatedAt") >= expiredBefore)
            {
                return ToRecord(stored);
            }

            try
            {
                await _table.UpdateEntityAsync(entity, stored.ETag, TableUpdateMode.Replace, cancellationToken);
                return candidate;
            }
            catch (RequestFailedException exception) when (exception.Status is 404 or 412)
            {
                // Another node replaced or purged it first: start over.
            }
        }
    }

    /// <inheritdoc />
    public async Task CompleteAsync(string tenantId, string key, string transaction, int streams, CancellationToken cancellationToken = default)
    {
        var (partition, row) = Keys(tenantId, key);
        if (await _table.FindAsync(partition, row, cancellationToken) is { } stored && stored.GetText("Txn") == transaction)
        {
            stored["Streams"] = streams;
            await _table.UpdateEntityAsync(stored, stored.ETag, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string tenantId, string key, string transaction, CancellationToken cancellationToken = default)
    {
        var (partition, row) = Keys(tenantId, key);
        if (await _table.FindAsync(partition, row, cancellationToken) is { } stored && stored.GetText("Txn") == transaction && stored.GetInt32("Streams") is null)
        {
            try
            {
                await _table.DeleteEntityAsync(partition, row, stored.ETag, cancellationToken);
            }
            catch (RequestFailedException exception) when (exception.Status == 412)
            {
                // Completed meanwhile: kept.
            }
        }
    }

    /// <inheritdoc />
    public async Task PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        // A scan of the table: records live a day, so it holds about a day of keyed publishes, purged once an hour.
        var expired = await _table.QueryPartitionAsync(TableClient.CreateQueryFilter($"CreatedAt lt {before}"), cancellationToken, ["PartitionKey", "RowKey"]);
        foreach (var row in expired)
        {
            await _table.DeleteIfExistsAsync(row.PartitionKey, row.RowKey, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task DeleteTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var rows = await _table.QueryPartitionAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Keys(tenantId, string.Empty).Partition}"), cancellationToken, ["PartitionKey", "RowKey"]);
        foreach (var row in rows)
        {
            await _table.DeleteIfExistsAsync(row.PartitionKey, row.RowKey, cancellationToken);
        }
    }

    private static (string Partition, string Row) Keys(string tenantId, string key) => ("k:" + TableKeys.Encode(tenantId), "k:" + TableKeys.Encode(key));

    private static TableEntity ToEntity(string tenantId, string key, IdempotencyRecord record)
    {
        var (partition, row) = Keys(tenantId, key);
        return new TableEntity(partition, row)
        {
            ["RequestHash"] = record.RequestHash,
            ["Txn"] = record.Transaction,
            ["Streams"] = record.Streams,
            ["CreatedAt"] = record.CreatedAt,
        };
    }

    private static IdempotencyRecord ToRecord(TableEntity entity) =>
        new(entity.GetText("RequestHash"), entity.GetText("Txn"), entity.GetInt32("Streams"), entity.GetTime("CreatedAt"));
}
