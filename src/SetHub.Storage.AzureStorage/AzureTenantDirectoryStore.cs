using Azure;
using Azure.Data.Tables;
using SetHub.Core.Storage;

namespace SetHub.Storage.AzureStorage;

/// <summary>
/// <see cref="ITenantDirectoryStore"/> on the directory table. The registry of tenants is one partition (<c>tenants</c>,
/// a row per tenant); each tenant's receivers and stream directory are its own partition (<c>t:{tenant}</c>, rows
/// <c>r:{receiver}</c> and <c>s:{stream}</c>), so a tenant grain loads everything with one partition query.
/// </summary>
public sealed class AzureTenantDirectoryStore(AzureStorageAccount account) : ITenantDirectoryStore
{
    private const string Registry = "tenants";
    private readonly TableClient _table = account.Tables.GetTableClient(account.Names.Directory);

    /// <inheritdoc />
    public async Task AddTenantAsync(string tenantId, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        try
        {
            await _table.AddEntityAsync(new TableEntity(Registry, TableKeys.Encode(tenantId)) { ["TenantId"] = tenantId, ["CreatedAt"] = createdAt }, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            // Registered already: nothing changes.
        }
    }

    /// <inheritdoc />
    public Task RemoveTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _table.DeleteIfExistsAsync(Registry, TableKeys.Encode(tenantId), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListTenantsAsync(CancellationToken cancellationToken = default)
    {
        var rows = await _table.QueryPartitionAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Registry}"), cancellationToken, ["TenantId"]);
        return [.. rows.Select(row => row.GetText("TenantId")).Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<TenantRows> LoadAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var rows = await _table.QueryPartitionAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition(tenantId)}"), cancellationToken);
        var receivers = rows.Where(row => row.RowKey.StartsWith("r:", StringComparison.Ordinal))
            .Select(row => new ReceiverRow(
                tenantId,
                row.GetText("ReceiverId"),
                row.GetText("Name"),
                row.GetText("Audience"),
                row.GetText("SigningAlgorithm"),
                row.GetText("TokenHash"),
                row.GetTime("CreatedAt"),
                row.GetFlag("Revoked")))
            .OrderBy(receiver => receiver.CreatedAt).ThenBy(receiver => receiver.ReceiverId, StringComparer.Ordinal);
        var streams = rows.Where(row => row.RowKey.StartsWith("s:", StringComparison.Ordinal))
            .Select(row => new StreamRow(
                tenantId,
                row.GetText("StreamId"),
                row.GetText("ReceiverId"),
                row.GetText("Audience"),
                row.GetText("SigningAlgorithm"),
                row.GetFlag("IncludesAllSubjects"),
                row.GetFlag("Disabled"),
                row.GetText("EventsDelivered").Split(' ', StringSplitOptions.RemoveEmptyEntries),
                row.GetTime("CreatedAt")))
            .OrderBy(stream => stream.CreatedAt).ThenBy(stream => stream.StreamId, StringComparer.Ordinal);
        return new TenantRows([.. receivers], [.. streams]);
    }

    /// <inheritdoc />
    public Task PutReceiverAsync(ReceiverRow receiver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        return _table.UpsertEntityAsync(
            new TableEntity(Partition(receiver.TenantId), "r:" + TableKeys.Encode(receiver.ReceiverId))
            {
                ["ReceiverId"] = receiver.ReceiverId,
                ["Name"] = receiver.Name,
                ["Audience"] = receiver.Audience,
                ["SigningAlgorithm"] = receiver.SigningAlgorithm,
                ["TokenHash"] = receiver.TokenHash,
                ["CreatedAt"] = receiver.CreatedAt,
                ["Revoked"] = receiver.Revoked,
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteReceiverAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default) =>
        _table.DeleteIfExistsAsync(Partition(tenantId), "r:" + TableKeys.Encode(receiverId), cancellationToken);

    /// <inheritdoc />
    public Task PutStreamAsync(StreamRow stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);

        // Event type URIs contain no spaces (RFC 3986), so a space-separated list keeps them apart.
        return _table.UpsertEntityAsync(
            new TableEntity(Partition(stream.TenantId), "s:" + TableKeys.Encode(stream.StreamId))
            {
                ["StreamId"] = stream.StreamId,
                ["ReceiverId"] = stream.ReceiverId,
                ["Audience"] = stream.Audience,
                ["SigningAlgorithm"] = stream.SigningAlgorithm,
                ["IncludesAllSubjects"] = stream.IncludesAllSubjects,
                ["Disabled"] = stream.Disabled,
                ["EventsDelivered"] = string.Join(' ', stream.EventsDelivered),
                ["CreatedAt"] = stream.CreatedAt,
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteStreamAsync(string tenantId, string streamId, CancellationToken cancellationToken = default) =>
        _table.DeleteIfExistsAsync(Partition(tenantId), "s:" + TableKeys.Encode(streamId), cancellationToken);

    private static string Partition(string tenantId) => "t:" + TableKeys.Encode(tenantId);
}
