using Azure;
using Azure.Data.Tables;

namespace SetHub.Storage.AzureStorage;

/// <summary>Small helpers over <see cref="TableClient"/>.</summary>
internal static class TableExtensions
{
    /// <summary>Reads an entity, or <see langword="null"/> when it does not exist (no exception on the expected miss).</summary>
    public static async Task<TableEntity?> FindAsync(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken, IEnumerable<string>? select = null)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, select, cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Deletes an entity; a missing one is not an error.</summary>
    public static async Task DeleteIfExistsAsync(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken) =>
        await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken); // Azure.Data.Tables answers a 404 delete without throwing

    /// <summary>Every entity of one partition matching <paramref name="filter"/> (all pages).</summary>
    public static async Task<List<TableEntity>> QueryPartitionAsync(this TableClient table, string filter, CancellationToken cancellationToken, IEnumerable<string>? select = null, int? take = null)
    {
        var rows = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: take is { } limit ? Math.Min(limit, 1000) : null, select, cancellationToken))
        {
            rows.Add(entity);
            if (rows.Count == take)
            {
                break;
            }
        }

        return rows;
    }

    /// <summary>Runs entity-group transactions of at most 100 actions each (the partition's limit), one after another.</summary>
    public static async Task SubmitInChunksAsync(this TableClient table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        for (var start = 0; start < actions.Count; start += 100)
        {
            await table.SubmitTransactionAsync(actions.Skip(start).Take(100), cancellationToken);
        }
    }

    public static DateTimeOffset GetTime(this TableEntity entity, string name) =>
        entity.GetDateTimeOffset(name) ?? throw new InvalidOperationException($"Entity {entity.PartitionKey}/{entity.RowKey} has no {name}.");

    public static bool GetFlag(this TableEntity entity, string name) => entity.GetBoolean(name) ?? false;

    public static string GetText(this TableEntity entity, string name) =>
        entity.GetString(name) ?? throw new InvalidOperationException($"Entity {entity.PartitionKey}/{entity.RowKey} has no {name}.");
}
