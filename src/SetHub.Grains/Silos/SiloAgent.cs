using Microsoft.Extensions.Logging;

namespace SetHub.Grains.Silos;

/// <summary>The <see cref="ISiloAgent"/> of this silo: hands grain signals to the silo's caches and front door.</summary>
internal sealed class SiloAgent(
    GrainId grainId,
    Silo silo,
    ILoggerFactory loggerFactory,
    ILocalTenantSnapshots snapshots,
    ILocalPollWaiters waiters) : GrainService(grainId, silo, loggerFactory), ISiloAgent
{
    public Task InvalidateTenant(string tenantId, string identityVersion, string directoryVersion)
    {
        // A new stream changes only the directory: the tenant's waiting polls need not all re-check their credentials.
        if (snapshots.Invalidate(tenantId, identityVersion, directoryVersion))
        {
            waiters.SignalTenant(tenantId);
        }

        return Task.CompletedTask;
    }

    public Task NotifyStream(string streamKey, StreamSignal signal)
    {
        waiters.Signal(streamKey, signal);
        return Task.CompletedTask;
    }
}
