using Azure;
using Azure.Data.Tables;
using SetHub.Core.Storage;

namespace SetHub.Storage.AzureStorage;

/// <summary>
/// <see cref="ISubjectStore"/> on the subjects table. What a subject grain loads is one partition per tenant and simple
/// identifier (<c>i:{tenant}:{identifier}</c>: stream rows <c>s:{stream}:{subject}</c> and opt-outs <c>o:{subject}</c>).
/// A copy of each stream row is filed under its stream (<c>x:{tenant}:{stream}</c>, row <c>{identifier}:{subject}</c>)
/// for listing and deleting a stream's subjects without scanning every identifier. There is no transaction across the
/// two partitions: the copy is written before the row and deleted after it, so a crash in between leaves at most a
/// stale copy, which only makes a later stream delete remove a row that is already gone.
/// </summary>
public sealed class AzureSubjectStore(AzureStorageAccount account) : ISubjectStore
{
    private readonly TableClient _table = account.Tables.GetTableClient(account.Names.Subjects);

    /// <inheritdoc />
    public async Task<SubjectRows> LoadAsync(string tenantId, string indexKey, CancellationToken cancellationToken = default)
    {
        var rows = await _table.QueryPartitionAsync(TableClient.CreateQueryFilter($"PartitionKey eq {IdentifierPartition(tenantId, indexKey)}"), cancellationToken);
        var streams = rows.Where(row => row.RowKey.StartsWith("s:", StringComparison.Ordinal)).Select(row => ReadStreamRow(tenantId, indexKey, row));
        var optOuts = rows.Where(row => row.RowKey.StartsWith("o:", StringComparison.Ordinal))
            .Select(row => new OptOutRow(tenantId, indexKey, row.GetText("SubjectKey"), row.GetText("SubjectJson"), row.GetTime("CreatedAt")));
        return new SubjectRows([.. streams], [.. optOuts]);
    }

    /// <inheritdoc />
    public async Task PutStreamSubjectAsync(StreamSubjectRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        await _table.UpsertEntityAsync(StreamRowEntity(row, StreamPartition(row.TenantId, row.StreamId), CopyKey(row.IndexKey, row.SubjectKey)), TableUpdateMode.Replace, cancellationToken);
        await _table.UpsertEntityAsync(StreamRowEntity(row, IdentifierPartition(row.TenantId, row.IndexKey), RowKey(row.StreamId, row.SubjectKey)), TableUpdateMode.Replace, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteStreamSubjectAsync(string tenantId, string indexKey, string streamId, string subjectKey, CancellationToken cancellationToken = default)
    {
        await _table.DeleteIfExistsAsync(IdentifierPartition(tenantId, indexKey), RowKey(streamId, subjectKey), cancellationToken);
        await _table.DeleteIfExistsAsync(StreamPartition(tenantId, streamId), CopyKey(indexKey, subjectKey), cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteStreamSubjectsAsync(string tenantId, string streamId, CancellationToken cancellationToken = default)
    {
        var copies = await ListCopiesAsync(tenantId, streamId, cancellationToken);
        foreach (var copy in copies)
        {
            await _table.DeleteIfExistsAsync(IdentifierPartition(tenantId, copy.GetText("IndexKey")), RowKey(streamId, copy.GetText("SubjectKey")), cancellationToken);
        }

        await _table.SubmitInChunksAsync([.. copies.Select(copy => new TableTransactionAction(TableTransactionActionType.Delete, copy, ETag.All))], cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StreamSubjectRow>> ListStreamSubjectsAsync(string tenantId, string streamId, CancellationToken cancellationToken = default)
    {
        var copies = await ListCopiesAsync(tenantId, streamId, cancellationToken);

        // One row per subject, whichever identifier it is filed under.
        return [.. copies.Select(copy => ReadStreamRow(tenantId, copy.GetText("IndexKey"), copy))
            .OrderBy(row => row.CreatedAt).ThenBy(row => row.SubjectKey, StringComparer.Ordinal)
            .DistinctBy(row => row.SubjectKey)];
    }

    /// <inheritdoc />
    public async Task PutOptOutAsync(OptOutRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        try
        {
            await _table.AddEntityAsync(
                new TableEntity(IdentifierPartition(row.TenantId, row.IndexKey), "o:" + TableKeys.Encode(row.SubjectKey))
                {
                    ["SubjectKey"] = row.SubjectKey,
                    ["SubjectJson"] = row.SubjectJson,
                    ["CreatedAt"] = row.CreatedAt,
                },
                cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            // The first opt-out is kept.
        }
    }

    /// <inheritdoc />
    public async Task DeleteOptOutsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        // The tenant's identifier partitions share the prefix "i:{tenant}:" (an encoded tenant id holds no ':'), and ';'
        // follows ':': one range query finds them. A rare call (the tenant is being deleted), so a scan of the range is fine.
        var prefix = $"i:{TableKeys.Encode(tenantId)}:";
        var end = prefix[..^1] + ";";
        var rows = await _table.QueryPartitionAsync(
            TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {end} and RowKey ge {"o:"} and RowKey lt {"o;"}"),
            cancellationToken, ["PartitionKey", "RowKey"]);
        foreach (var row in rows)
        {
            await _table.DeleteIfExistsAsync(row.PartitionKey, row.RowKey, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task DeleteOptOutAsync(string tenantId, string indexKey, string subjectKey, CancellationToken cancellationToken = default) =>
        _table.DeleteIfExistsAsync(IdentifierPartition(tenantId, indexKey), "o:" + TableKeys.Encode(subjectKey), cancellationToken);

    private Task<List<TableEntity>> ListCopiesAsync(string tenantId, string streamId, CancellationToken cancellationToken) =>
        _table.QueryPartitionAsync(TableClient.CreateQueryFilter($"PartitionKey eq {StreamPartition(tenantId, streamId)}"), cancellationToken);

    private static TableEntity StreamRowEntity(StreamSubjectRow row, string partitionKey, string rowKey) => new(partitionKey, rowKey)
    {
        ["IndexKey"] = row.IndexKey,
        ["StreamId"] = row.StreamId,
        ["SubjectKey"] = row.SubjectKey,
        ["SubjectJson"] = row.SubjectJson,
        ["Included"] = row.Included,
        ["Verified"] = row.Verified,
        ["CreatedAt"] = row.CreatedAt,
    };

    private static StreamSubjectRow ReadStreamRow(string tenantId, string indexKey, TableEntity row) => new(
        tenantId,
        indexKey,
        row.GetText("StreamId"),
        row.GetText("SubjectKey"),
        row.GetText("SubjectJson"),
        row.GetFlag("Included"),
        row.GetFlag("Verified"),
        row.GetTime("CreatedAt"));

    private static string IdentifierPartition(string tenantId, string indexKey) => $"i:{TableKeys.Encode(tenantId)}:{TableKeys.Encode(indexKey)}";

    private static string StreamPartition(string tenantId, string streamId) => $"x:{TableKeys.Encode(tenantId)}:{TableKeys.Encode(streamId)}";

    private static string RowKey(string streamId, string subjectKey) => $"s:{TableKeys.Encode(streamId)}:{TableKeys.Encode(subjectKey)}";

    private static string CopyKey(string indexKey, string subjectKey) => $"{TableKeys.Encode(indexKey)}:{TableKeys.Encode(subjectKey)}";
}
