using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;
using SetHub.Storage.Relational.Providers;

namespace SetHub.Storage.Relational;

/// <summary>
/// Registers SetHub's own Orleans providers on a silo, in the style of Orleans' provider packages. Each works on the
/// <see cref="RelationalDatabase"/> registered in the silo's services (SQLite or PostgreSQL, as
/// <c>AddRelationalStores</c> registers it), whose migrations must have run before the silo starts.
/// </summary>
public static class SetHubSiloBuilderExtensions
{
    /// <summary>Adds SetHub's relational grain storage under <paramref name="name"/>.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The storage provider's name, as grains give it in <c>[PersistentState(..., name)]</c>.</param>
    /// <param name="configureOptions">Configures the provider's options (named after the provider).</param>
    public static ISiloBuilder AddSetHubGrainStorage(this ISiloBuilder builder, string name, Action<OptionsBuilder<SetHubGrainStorageOptions>>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var services = builder.Services;
        var options = services.AddOptions<SetHubGrainStorageOptions>(name)
            .Validate(o => o.MaxReadBatchSize > 0 && o.MaxConcurrentReadBatches > 0, $"Grain storage '{name}': MaxReadBatchSize and MaxConcurrentReadBatches must be positive.")
            .ValidateOnStart();
        configureOptions?.Invoke(options);
        services.TryAddEnumerable(ServiceDescriptor.Transient<IPostConfigureOptions<SetHubGrainStorageOptions>, SetHubGrainStorageSerializerConfigurator>());
        services.AddGrainStorage(name, static (services, name) => new RelationalGrainStorage(
            name,
            services.GetRequiredService<RelationalDatabase>(),
            services.GetRequiredService<IOptionsMonitor<SetHubGrainStorageOptions>>().Get(name),
            services.GetRequiredService<IActivatorProvider>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<ILogger<RelationalGrainStorage>>()));
        return builder;
    }

    /// <summary>Adds SetHub's relational grain storage as the default storage provider (grains that name none).</summary>
    public static ISiloBuilder AddSetHubGrainStorageAsDefault(this ISiloBuilder builder, Action<OptionsBuilder<SetHubGrainStorageOptions>>? configureOptions = null) =>
        builder.AddSetHubGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>Adds Orleans' reminder service with SetHub's relational reminder table (for the service named by
    /// <c>ClusterOptions.ServiceId</c>).</summary>
    public static ISiloBuilder UseSetHubReminders(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddReminders();
        builder.Services.AddSingleton<IReminderTable, RelationalReminderTable>();
        return builder;
    }

    /// <summary>Makes the silo keep cluster membership in SetHub's relational membership table (for the cluster named
    /// by <c>ClusterOptions.ClusterId</c>).</summary>
    public static ISiloBuilder UseSetHubClustering(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IMembershipTable, RelationalMembershipTable>();
        return builder;
    }
}
