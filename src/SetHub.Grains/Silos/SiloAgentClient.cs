using Orleans.Runtime.Services;

namespace SetHub.Grains.Silos;

/// <summary>Addresses the <see cref="ISiloAgent"/> of a given silo.</summary>
public interface ISiloAgentClient
{
    /// <summary>The agent of <paramref name="silo"/>; a call fails fast when that silo is gone.</summary>
    ISiloAgent For(SiloAddress silo);
}

/// <inheritdoc cref="ISiloAgentClient" />
internal sealed class SiloAgentClient(IServiceProvider services) : GrainServiceClient<ISiloAgent>(services), ISiloAgentClient
{
    public ISiloAgent For(SiloAddress silo) => GetGrainService(silo);
}
