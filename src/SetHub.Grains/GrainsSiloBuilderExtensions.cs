using Microsoft.Extensions.DependencyInjection;
using SetHub.Grains.Silos;

namespace SetHub.Grains;

/// <summary>Registers what SetHub's grains need on a silo.</summary>
public static class GrainsSiloBuilderExtensions
{
    /// <summary>Adds the silo agent (a grain service per silo) and its client, and the tenant broadcast.</summary>
    public static ISiloBuilder AddSetHubGrains(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddGrainService<SiloAgent>();
        builder.Services.AddSingleton<ISiloAgentClient, SiloAgentClient>();
        builder.Services.AddSingleton<TenantBroadcast>();
        return builder;
    }
}
