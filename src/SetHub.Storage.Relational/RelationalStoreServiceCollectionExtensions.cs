using Microsoft.Extensions.DependencyInjection;
using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary>Registers the relational store implementations over a provider's <see cref="RelationalDatabase"/>.</summary>
public static class RelationalStoreServiceCollectionExtensions
{
    /// <summary>Registers a provider's database (as itself, as <see cref="RelationalDatabase"/> and as the store
    /// initializer) and every store interface on top of it.</summary>
    public static IServiceCollection AddRelationalStores<TDatabase>(this IServiceCollection services, TDatabase database)
        where TDatabase : RelationalDatabase, IStoreInitializer
    {
        services.AddSingleton(database);
        services.AddSingleton<RelationalDatabase>(database);
        services.AddSingleton<IStoreInitializer>(database);
        services.AddSingleton<ISettingsStore, RelationalSettingsStore>();
        services.AddSingleton<RelationalTenantStore>();
        services.AddSingleton<ITenantStore>(sp => sp.GetRequiredService<RelationalTenantStore>());
        services.AddSingleton<RelationalReceiverStore>();
        services.AddSingleton<IReceiverStore>(sp => sp.GetRequiredService<RelationalReceiverStore>());
        services.AddSingleton<ISigningKeyStore, RelationalSigningKeyStore>();
        services.AddSingleton<RelationalStreamStore>();
        services.AddSingleton<IStreamStore>(sp => sp.GetRequiredService<RelationalStreamStore>());
        services.AddSingleton<ISetStore, RelationalSetStore>();
        services.AddSingleton<IPushDeliveryStore, RelationalPushDeliveryStore>();
        services.AddSingleton<ISubjectOptOutStore, RelationalSubjectOptOutStore>();
        services.AddSingleton<ITimerStore, RelationalTimerStore>();
        return services;
    }
}
