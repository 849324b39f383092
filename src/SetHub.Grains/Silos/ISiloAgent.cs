using Orleans.Services;

namespace SetHub.Grains.Silos;

/// <summary>
/// One per silo (an Orleans grain service, addressed by silo): how grains reach the front door and caches of a
/// particular silo. A tenant that changed tells every silo to drop its snapshot; a stream tells the silos holding long
/// polls on it that SETs arrived, that it moved, or that it is gone.
/// </summary>
[Alias("SetHub.ISiloAgent")]
public interface ISiloAgent : IGrainService
{
    /// <summary>The tenant is now at these versions: drop any snapshot of another version, and when the credentials
    /// changed, let waiting long polls re-check theirs. Answers once done, so the tenant knows this silo took the change.</summary>
    [Alias("InvalidateTenant")]
    Task InvalidateTenant(string tenantId, string identityVersion, string directoryVersion);

    /// <summary>Wakes the long polls this silo holds on a stream.</summary>
    [OneWay, Alias("NotifyStream")]
    Task NotifyStream(string streamKey, StreamSignal signal);
}

/// <summary>The silo's cache of tenant snapshots, as the silo agent sees it.</summary>
public interface ILocalTenantSnapshots
{
    /// <summary>Drops the snapshots of <paramref name="tenantId"/> that are not at these versions; tells whether the
    /// credentials snapshot may have changed.</summary>
    bool Invalidate(string tenantId, string identityVersion, string directoryVersion);
}

/// <summary>The long polls waiting in this silo's front door, as the silo agent sees them.</summary>
public interface ILocalPollWaiters
{
    /// <summary>Wakes the polls waiting on a stream.</summary>
    void Signal(string streamKey, StreamSignal signal);

    /// <summary>Wakes every poll of a tenant, so each re-checks its credential (a receiver may have been revoked).</summary>
    void SignalTenant(string tenantId);
}
