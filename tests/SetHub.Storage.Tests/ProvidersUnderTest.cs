using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using SetHub.Storage.Relational.Providers;

namespace SetHub.Storage.Tests;

/// <summary>Builds the providers over a test database, with Orleans' serializer as a silo would give it.</summary>
public static class ProvidersUnderTest
{
    private static readonly ServiceProvider OrleansServices = new ServiceCollection().AddSerializer().BuildServiceProvider();

    /// <summary>Creates fresh states, as a silo's activator provider does.</summary>
    public static IActivatorProvider Activators => OrleansServices.GetRequiredService<IActivatorProvider>();

    public static IGrainStorageSerializer Serializer { get; } = new OrleansGrainStorageSerializer(OrleansServices.GetRequiredService<Serializer>());

    public static RelationalGrainStorage GrainStorage(CountingDatabase database, int maxReadBatchSize = 500, int maxConcurrentReadBatches = 4) =>
        new(
            "test",
            database,
            new SetHubGrainStorageOptions
            {
                GrainStorageSerializer = Serializer,
                MaxReadBatchSize = maxReadBatchSize,
                MaxConcurrentReadBatches = maxConcurrentReadBatches,
            },
            OrleansServices.GetRequiredService<IActivatorProvider>(),
            TimeProvider.System,
            NullLogger<RelationalGrainStorage>.Instance);

    public static RelationalReminderTable Reminders(CountingDatabase database, string serviceId = "service-a") =>
        new(database, Options.Create(new ClusterOptions { ServiceId = serviceId }), NullLogger<RelationalReminderTable>.Instance);

    public static RelationalMembershipTable Membership(CountingDatabase database, string clusterId = "cluster-a") =>
        new(database, Options.Create(new ClusterOptions { ClusterId = clusterId }), NullLogger<RelationalMembershipTable>.Instance);
}
