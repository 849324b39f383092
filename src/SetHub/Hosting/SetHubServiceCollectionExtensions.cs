using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SetHub.Configuration;
using SetHub.Core.Delivery;
using SetHub.Core.Events;
using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Core.Streams;
using SetHub.Core.Tenants;
using SetHub.Delivery;
using SetHub.Json;
using SetHub.Security;
using SetHub.Core.Caching;
using SetHub.Core.Storage;
using SetHub.Storage.Postgres;
using SetHub.Storage.Relational;
using SetHub.Storage.Sqlite;

namespace SetHub.Hosting;

/// <summary>Composes SetHub's services.</summary>
internal static class SetHubServiceCollectionExtensions
{
    public static IServiceCollection AddSetHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SetHubOptions>().BindConfiguration(SetHubOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SetHubOptions>, SetHubOptionsValidator>();
        services.AddOptions<SigningKeyOptions>().BindConfiguration(SigningKeyOptions.SectionName)
            .Validate(o => o.RotationGracePeriod > TimeSpan.Zero && o.ActiveKeyCacheDuration >= TimeSpan.Zero, "SetHub:Keys durations must be positive.")
            .ValidateOnStart();
        services.AddOptions<PollOptions>().BindConfiguration(PollOptions.SectionName)
            .Validate(o => o.LongPollTimeout >= TimeSpan.Zero && o.RedeliveryInterval > TimeSpan.Zero && o.RecheckInterval > TimeSpan.Zero && o.MaxEventsPerResponse > 0,
                "SetHub:Poll needs a non-negative LongPollTimeout, and a positive RedeliveryInterval, RecheckInterval and MaxEventsPerResponse.")
            .ValidateOnStart();

        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName)
            .Validate(o => o.RetryBaseDelay > TimeSpan.Zero && o.MaxRetryDelay >= o.RetryBaseDelay, "SetHub:Delivery needs 0 < RetryBaseDelay <= MaxRetryDelay.")
            .Validate(o => o.MaxDeliveryAge > TimeSpan.Zero && o.RequestTimeout > TimeSpan.Zero && o.IdleRecheckInterval > TimeSpan.Zero && o.MaintenanceInterval > TimeSpan.Zero, "SetHub:Delivery durations must be positive.")
            .Validate(o => o.MaxConcurrentStreams > 0 && o.StreamBatchSize > 0, "SetHub:Delivery needs positive MaxConcurrentStreams and StreamBatchSize.")
            .Validate(o => o.StreamTimeSlice > TimeSpan.Zero, "SetHub:Delivery:StreamTimeSlice must be positive.")
            .Validate(o => o.LeaseDuration > o.RequestTimeout * 3, "SetHub:Delivery:LeaseDuration must exceed three times RequestTimeout: a push starts only while twice RequestTimeout of the lease is left.")
            .ValidateOnStart();
        services.AddOptions<StreamOptions>().BindConfiguration(StreamOptions.SectionName)
            .Validate(o => o.InactivityTimeout is null || o.InactivityTimeout >= TimeSpan.Zero, "SetHub:Streams:InactivityTimeout must not be negative.")
            .Validate(o => o.MinVerificationInterval >= TimeSpan.Zero, "SetHub:Streams:MinVerificationInterval must not be negative.")
            .ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Random.Shared);
        services.AddSingleton<NodeIdentity>();
        services.AddSingleton<MasterKeyProtector>();
        services.AddSingleton<ISecretProtector>(sp => sp.GetRequiredService<MasterKeyProtector>());
        services.AddSingleton<OperatorCredential>();
        services.AddSingleton<TransmitterUrls>();
        services.AddSingleton<ITransmitterUrls>(sp => sp.GetRequiredService<TransmitterUrls>());

        services.AddStore(configuration);
        services.AddCaches();

        services.AddSingleton<SigningKeyService>();
        services.AddSingleton<TenantService>();
        services.AddSingleton<ReceiverService>();
        services.AddSingleton<IPushEndpointPolicy, PushEndpointPolicy>();
        services.AddSingleton<IPushTransport, HttpPushTransport>();
        services.AddSingleton<SetIssuer>();
        services.AddSingleton<StreamService>();
        services.AddSingleton<StreamLifecycle>();
        services.AddSingleton<StreamAdministration>();
        services.AddSingleton<PollService>();
        services.AddSingleton<EventPublisher>();
        services.AddSingleton<PushDeliveryProcessor>();
        services.AddHostedService<PushDeliveryWorker>();
        services.AddHostedService<MaintenanceWorker>();

        // The core authentication services only: bearer tokens need no cookies, hence no data protection key ring.
        services.AddWebEncoders();
        services.AddAuthenticationCore(options =>
        {
            options.DefaultScheme = BearerTokenHandler.SchemeName;
            options.AddScheme<BearerTokenHandler>(BearerTokenHandler.SchemeName, displayName: null);
        });
        services.AddOptions<AuthenticationSchemeOptions>(BearerTokenHandler.SchemeName);
        services.AddAuthorizationBuilder().AddSetHubPolicies();

        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, SetHubJsonContext.Default);
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        return services;
    }

    private static void AddStore(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var connectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName);
        services.AddSingleton<InProcessDeliverySignals>();
        switch (storage.Provider)
        {
            case StorageProvider.Sqlite:
                services.AddSqliteStore(connectionString ?? StorageOptions.DefaultSqliteConnectionString);
                services.AddSingleton<IDeliverySignals>(sp => sp.GetRequiredService<InProcessDeliverySignals>());
                services.AddSingleton<ICacheInvalidation, InProcessCacheInvalidation>();
                break;

            case StorageProvider.Postgres:
                if (string.IsNullOrEmpty(connectionString) || connectionString == StorageOptions.DefaultSqliteConnectionString)
                {
                    throw new OptionsValidationException(
                        StorageOptions.ConnectionStringName,
                        typeof(StorageOptions),
                        ["SetHub:Storage:Provider is Postgres: set ConnectionStrings:SetHub to an Npgsql connection string (Host=…;Database=…;Username=…)."]);
                }

                services.AddPostgresStore(connectionString);
                services.AddSingleton<PostgresNotificationHub>();
                services.AddHostedService(sp => sp.GetRequiredService<PostgresNotificationHub>());
                services.AddSingleton<IDeliverySignals, PostgresDeliverySignals>();
                services.AddSingleton<ICacheInvalidation, PostgresCacheInvalidation>();
                break;

            default:
                throw new OptionsValidationException(
                    StorageOptions.SectionName,
                    typeof(StorageOptions),
                    [$"SetHub:Storage:Provider must be 'Sqlite' or 'Postgres', not '{storage.Provider}'."]);
        }
    }

    // Read-through caches in front of the hottest lookups, kept correct across nodes by ICacheInvalidation.
    private static void AddCaches(this IServiceCollection services)
    {
        services.AddSingleton<ITenantStore>(sp => new CachingTenantStore(
            sp.GetRequiredService<RelationalTenantStore>(), sp.GetRequiredService<ICacheInvalidation>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IReceiverStore>(sp => new CachingReceiverStore(
            sp.GetRequiredService<RelationalReceiverStore>(), sp.GetRequiredService<ICacheInvalidation>()));
        services.AddSingleton(sp => new CachingStreamStore(
            sp.GetRequiredService<RelationalStreamStore>(), sp.GetRequiredService<ICacheInvalidation>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IStreamStore>(sp => sp.GetRequiredService<CachingStreamStore>());
        services.AddSingleton<IStreamCache>(sp => sp.GetRequiredService<CachingStreamStore>());
    }
}
