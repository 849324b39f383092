using Microsoft.Extensions.DependencyInjection;
using SetHub.Core.Storage;
using SetHub.Storage.AzureStorage.SetLog;

namespace SetHub.Storage.AzureStorage;

/// <summary>Registers the Azure Storage store.</summary>
public static class AzureStoreServiceCollectionExtensions
{
    /// <summary>Registers the account, SetHub's tables (the SET log and the rows the grains own) and their initializer.
    /// The Orleans providers are added to the silo by <see cref="AzureSiloBuilderExtensions.UseSetHubAzureStorage"/>.</summary>
    public static IServiceCollection AddAzureStore(this IServiceCollection services, AzureStorageAccount account)
    {
        services.AddSingleton(account);
        services.AddSingleton<IStoreInitializer, AzureStoreInitializer>();
        services.AddSingleton<ISettingsStore, AzureSettingsStore>();
        services.AddSingleton<ITenantDirectoryStore, AzureTenantDirectoryStore>();
        services.AddSingleton<ISubjectStore, AzureSubjectStore>();
        services.AddSingleton<IIdempotencyStore, AzureIdempotencyStore>();
        services.AddSingleton<ISetLog, AzureTableSetLog>();
        return services;
    }
}
