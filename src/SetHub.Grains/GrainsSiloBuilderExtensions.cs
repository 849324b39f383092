using Microsoft.Extensions.DependencyInjection;
using SetHub.Grains.Silos;
using SetHub.Grains.Streams;

namespace SetHub.Grains;

/// <summary>Registers what SetHub's grains need on a silo.</summary>
public static class GrainsSiloBuilderExtensions
{
    /// <summary>Adds the silo agent (a grain service per silo) and its client, the tenant broadcast, and stream grain references.</summary>
    public static ISiloBuilder AddSetHubGrains(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddGrainService<SiloAgent>();
        builder.Services.AddSingleton<ISiloAgentClient, SiloAgentClient>();
        builder.Services.AddSingleton<TenantBroadcast>();
        builder.Services.AddSingleton<StreamGrainReferences>();
        return builder;
    }
}
