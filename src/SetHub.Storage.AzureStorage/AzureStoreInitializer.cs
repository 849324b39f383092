using SetHub.Core.Storage;

namespace SetHub.Storage.AzureStorage;

/// <summary>Creates SetHub's own tables if they are missing; several nodes may do so at once.</summary>
public sealed class AzureStoreInitializer(AzureStorageAccount account) : IStoreInitializer
{
    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(account.Names.OwnTables.Select(table => account.Tables.GetTableClient(table).CreateIfNotExistsAsync(cancellationToken)));
}
