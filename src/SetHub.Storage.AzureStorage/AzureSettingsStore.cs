using Azure;
using Azure.Data.Tables;
using SetHub.Core.Storage;

namespace SetHub.Storage.AzureStorage;

/// <summary><see cref="ISettingsStore"/> on the settings table: one entity per setting in one partition.</summary>
public sealed class AzureSettingsStore(AzureStorageAccount account) : ISettingsStore
{
    private const string Partition = "settings";
    private readonly TableClient _table = account.Tables.GetTableClient(account.Names.Settings);

    /// <inheritdoc />
    public async Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default) =>
        (await _table.FindAsync(Partition, TableKeys.Encode(name), cancellationToken))?.GetString("Value");

    /// <inheritdoc />
    public async Task<string> GetOrAddSettingAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        try
        {
            // Insert, never upsert: of several nodes racing, the first insert wins and the others read it.
            await _table.AddEntityAsync(new TableEntity(Partition, TableKeys.Encode(name)) { ["Value"] = value }, cancellationToken);
            return value;
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            return await GetSettingAsync(name, cancellationToken) ?? throw new InvalidOperationException($"Setting '{name}' exists and cannot be read.");
        }
    }
}
