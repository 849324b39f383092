using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace SetHub.Storage.AzureStorage;

/// <summary>
/// Orleans' own Azure Storage providers on the account <see cref="AzureStoreServiceCollectionExtensions.AddAzureStore"/>
/// registered: Azure Table clustering and reminders, and grain state where it fits best.
/// </summary>
public static class AzureSiloBuilderExtensions
{
    /// <summary>Adds clustering, reminders, and the grain storages named <paramref name="tableStateStorage"/> (Azure
    /// Table) and <paramref name="blobStateStorage"/> (Azure Blob).</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="tableStateStorage">The provider name for small, fixed-size states written often: one table entity
    /// each, the cheapest write Azure Storage has.</param>
    /// <param name="blobStateStorage">The provider name for states that may grow past a table entity's 1 MiB: one blob
    /// each, written rarely.</param>
    public static ISiloBuilder UseSetHubAzureStorage(this ISiloBuilder builder, string tableStateStorage, string blobStateStorage)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseAzureStorageClustering(options => options.Configure<AzureStorageAccount>((clustering, account) =>
        {
            clustering.TableName = account.Names.Membership;
            clustering.TableServiceClient = account.Tables;
        }));
        builder.UseAzureTableReminderService(options => options.Configure<AzureStorageAccount>((reminders, account) =>
        {
            reminders.TableName = account.Names.Reminders;
            reminders.TableServiceClient = account.Tables;
        }));
        builder.AddAzureTableGrainStorage(tableStateStorage, options => options.Configure<AzureStorageAccount, Serializer>((storage, account, serializer) =>
        {
            storage.TableName = account.Names.StreamStates;
            storage.TableServiceClient = account.Tables;
            storage.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        builder.AddAzureBlobGrainStorage(blobStateStorage, options => options.Configure<AzureStorageAccount, Serializer>((storage, account, serializer) =>
        {
            storage.ContainerName = account.Names.TenantStates;
            storage.BlobServiceClient = account.Blobs;
            storage.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        return builder;
    }
}
