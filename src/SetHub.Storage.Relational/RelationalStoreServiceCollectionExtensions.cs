using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SetHub.Core.Storage;
using SetHub.Storage.Relational.SetLog;

namespace SetHub.Storage.Relational;

/// <summary>Registers the relational store implementations over a provider's <see cref="RelationalDatabase"/>.</summary>
public static class RelationalStoreServiceCollectionExtensions
{
    /// <summary>The most rows one SET log batch writes.</summary>
    private const int MaxBatchWeight = 4000;

    /// <summary>Registers a provider's database (as itself, as <see cref="RelationalDatabase"/> and as the store
    /// initializer), the SET log with its committer, and the row stores the grains own.</summary>
    public static IServiceCollection AddRelationalStores<TDatabase>(this IServiceCollection services, TDatabase database)
        where TDatabase : RelationalDatabase, IStoreInitializer
    {
        services.AddSingleton(database);
        services.AddSingleton<RelationalDatabase>(database);
        services.AddSingleton<IStoreInitializer>(database);
        services.AddSingleton<ISettingsStore, RelationalSettingsStore>();
        services.AddSingleton<ITenantDirectoryStore, RelationalTenantDirectoryStore>();
        services.AddSingleton<ISubjectStore, RelationalSubjectStore>();
        services.AddSingleton<IIdempotencyStore, RelationalIdempotencyStore>();
        services.AddSingleton(sp => new LogCommitter(
            database.LogLanes,
            MaxBatchWeight,
            database.ExecuteLogBatchAsync,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<LogCommitter>()));
        services.AddSingleton<ISetLog, RelationalSetLog>();
        return services;
    }
}
