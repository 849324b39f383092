using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SetHub.Configuration;
using SetHub.Core.Delivery;
using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Core.Streams;
using SetHub.Core.Tenants;
using SetHub.Delivery;
using SetHub.Endpoints;
using SetHub.Grains.Delivery;
using SetHub.Grains.Silos;
using SetHub.Json;
using SetHub.Management;
using SetHub.Publishing;
using SetHub.Security;
using SetHub.Snapshots;
using SetHub.Storage.AzureStorage;
using SetHub.Storage.Postgres;
using SetHub.Storage.Sqlite;

namespace SetHub.Hosting;

/// <summary>Composes SetHub's services: options, the store, what grains need from their silo, and the front door.</summary>
internal static class SetHubServiceCollectionExtensions
{
    public static IServiceCollection AddSetHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSetHubOptions();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Random.Shared);
        services.AddSingleton<MasterKeyProtector>();
        services.AddSingleton<ISecretProtector>(sp => sp.GetRequiredService<MasterKeyProtector>());
        services.AddSingleton<OperatorCredential>();
        services.AddSingleton<TransmitterUrls>();
        services.AddSingleton<ITransmitterUrls>(sp => sp.GetRequiredService<TransmitterUrls>());
        services.AddStore(configuration);

        // The OpenAPI document of every endpoint, generated from the endpoints themselves (GET /openapi/v1.json).
        services.AddOpenApi();

        // What grains use from the silo they run on.
        services.AddSingleton<TenantSnapshots>();
        services.AddSingleton<ILocalTenantSnapshots>(sp => sp.GetRequiredService<TenantSnapshots>());
        services.AddSingleton<ISigningKeySource>(sp => sp.GetRequiredService<TenantSnapshots>());
        services.AddSingleton<PollWaiters>();
        services.AddSingleton<ILocalPollWaiters>(sp => sp.GetRequiredService<PollWaiters>());
        services.AddSingleton<IPushTransport, HttpPushTransport>();
        services.AddSingleton<PushDispatcher>();
        services.AddSingleton<IPushDispatcher>(sp => sp.GetRequiredService<PushDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<PushDispatcher>());
        services.AddSingleton<StreamRecovery>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<StreamRecovery>());

        // The front door.
        services.AddSingleton<IPushEndpointPolicy, PushEndpointPolicy>();
        services.AddSingleton<TenantAdministration>();
        services.AddSingleton<StreamManagement>();
        services.AddSingleton<StreamAdministration>();
        services.AddSingleton<EventTrace>();
        services.AddSingleton<StreamRendering>();
        services.AddSingleton<Publisher>();
        services.AddSingleton<IdempotentPublisher>();
        services.AddHostedService<IdempotencyKeyPurge>();
        services.AddSingleton<LongPolls>();

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

    private static void AddSetHubOptions(this IServiceCollection services)
    {
        services.AddOptions<SetHubOptions>().BindConfiguration(SetHubOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SetHubOptions>, SetHubOptionsValidator>();
        services.AddOptions<ClusterSettings>().BindConfiguration(ClusterSettings.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterSettings>, ClusterSettingsValidator>();
        services.AddOptions<SigningKeyOptions>().BindConfiguration(SigningKeyOptions.SectionName)
            .Validate(o => o.RotationGracePeriod > TimeSpan.Zero, "SetHub:Keys:RotationGracePeriod must be positive.")
            .ValidateOnStart();
        services.AddOptions<PollOptions>().BindConfiguration(PollOptions.SectionName)
            .Validate(o => o.LongPollTimeout >= TimeSpan.Zero && o.RedeliveryInterval > TimeSpan.Zero && o.RecheckInterval > TimeSpan.Zero && o.MaxEventsPerResponse > 0,
                "SetHub:Poll needs a non-negative LongPollTimeout, and a positive RedeliveryInterval, RecheckInterval and MaxEventsPerResponse.")
            .ValidateOnStart();
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName)
            .Validate(o => o.RetryBaseDelay > TimeSpan.Zero && o.MaxRetryDelay >= o.RetryBaseDelay, "SetHub:Delivery needs 0 < RetryBaseDelay <= MaxRetryDelay.")
            .Validate(o => o.MaxDeliveryAge > TimeSpan.Zero && o.RequestTimeout > TimeSpan.Zero, "SetHub:Delivery:MaxDeliveryAge and RequestTimeout must be positive.")
            .Validate(o => o.TraceRetention >= TimeSpan.Zero, "SetHub:Delivery:TraceRetention must not be negative.")
            .Validate(o => o.MaxConcurrentPushes > 0 && o.StreamBatchSize > 0 && o.StreamWindow > 0, "SetHub:Delivery needs positive MaxConcurrentPushes, StreamBatchSize and StreamWindow.")
            .ValidateOnStart();
        services.AddOptions<StreamOptions>().BindConfiguration(StreamOptions.SectionName)
            .Validate(o => o.InactivityTimeout is null || o.InactivityTimeout >= TimeSpan.Zero, "SetHub:Streams:InactivityTimeout must not be negative.")
            .Validate(o => o.MinVerificationInterval >= TimeSpan.Zero, "SetHub:Streams:MinVerificationInterval must not be negative.")
            .Validate(o => o.ReminderPeriod >= TimeSpan.FromSeconds(1), "SetHub:Streams:ReminderPeriod must be at least one second.")
            .ValidateOnStart();
    }

    private static void AddStore(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var connectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName);
        switch (storage.Provider)
        {
            case StorageProvider.Sqlite:
                services.AddSqliteStore(connectionString ?? StorageOptions.DefaultSqliteConnectionString);
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
                break;

            case StorageProvider.AzureStorage:
                services.AddAzureStore(ConnectAzureStorage(connectionString, storage.NamePrefix));
                break;

            default:
                throw new OptionsValidationException(
                    StorageOptions.SectionName,
                    typeof(StorageOptions),
                    [$"SetHub:Storage:Provider must be 'Sqlite', 'Postgres' or 'AzureStorage', not '{storage.Provider}'."]);
        }
    }

    private static AzureStorageAccount ConnectAzureStorage(string? connectionString, string namePrefix)
    {
        if (string.IsNullOrEmpty(connectionString) || connectionString == StorageOptions.DefaultSqliteConnectionString)
        {
            throw new OptionsValidationException(
                StorageOptions.ConnectionStringName,
                typeof(StorageOptions),
                ["SetHub:Storage:Provider is AzureStorage: set ConnectionStrings:SetHub to an Azure Storage connection string (UseDevelopmentStorage=true for Azurite), or to TableEndpoint=…;BlobEndpoint=… to sign in with a managed identity."]);
        }

        try
        {
            return AzureStorageAccount.Connect(connectionString, namePrefix);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            throw new OptionsValidationException(StorageOptions.ConnectionStringName, typeof(StorageOptions), [$"SetHub:Storage (AzureStorage): {exception.Message}"]);
        }
    }
}
