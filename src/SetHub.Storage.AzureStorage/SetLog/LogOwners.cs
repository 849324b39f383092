using Azure.Data.Tables;
using SetHub.Core.Storage;

namespace SetHub.Storage.AzureStorage.SetLog;

/// <summary>
/// Which silo last claimed each stream's log, in its own table (PartitionKey the silo, RowKey the stream's log
/// partition): the heads live in every stream's own partition, and listing them would scan every SET. A claim records
/// its silo and removes the previous owner's row, so the table holds about one row per stream. It is written after the
/// head, outside its transaction: a row missing after a crash only means that stream waits for its reminder instead of
/// being woken at once.
/// </summary>
internal sealed class LogOwners(TableClient owners)
{
    public async Task RecordAsync(StreamKey stream, string partition, string owner, string? previousOwner)
    {
        if (previousOwner == owner)
        {
            return;
        }

        await owners.UpsertEntityAsync(
            new TableEntity(TableKeys.Encode(owner), partition) { ["TenantId"] = stream.TenantId, ["StreamId"] = stream.StreamId },
            TableUpdateMode.Replace,
            CancellationToken.None);
        if (previousOwner is not null)
        {
            await owners.DeleteIfExistsAsync(TableKeys.Encode(previousOwner), partition, CancellationToken.None);
        }
    }

    /// <summary>Streams last claimed by a silo not among <paramref name="liveOwners"/>.</summary>
    public async Task<List<(StreamKey Stream, string Owner)>> FindOwnedByOthersAsync(IReadOnlyCollection<string> liveOwners, CancellationToken cancellationToken)
    {
        var live = liveOwners.Select(TableKeys.Encode).ToHashSet(StringComparer.Ordinal);
        var found = new List<(StreamKey, string)>();
        await foreach (var row in owners.QueryAsync<TableEntity>(filter: (string?)null, select: ["PartitionKey", "RowKey", "TenantId", "StreamId"], cancellationToken: cancellationToken))
        {
            if (!live.Contains(row.PartitionKey))
            {
                found.Add((new StreamKey(row.GetText("TenantId"), row.GetText("StreamId")), row.PartitionKey));
            }
        }

        return found;
    }

    public Task DeleteAsync(string owner, string partition, CancellationToken cancellationToken) =>
        owners.DeleteIfExistsAsync(owner, partition, cancellationToken);
}
