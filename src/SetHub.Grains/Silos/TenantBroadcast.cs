using Microsoft.Extensions.Logging;

namespace SetHub.Grains.Silos;

/// <summary>
/// Tells every live silo that a tenant changed and waits until each has taken the change, or until the snapshot lease
/// of a silo that does not answer has run out (<see cref="SnapshotLease.Duration"/>): either way no silo decides with
/// the old state once this returns.
/// </summary>
public sealed partial class TenantBroadcast(
    IClusterMembershipService membership,
    ISiloAgentClient agents,
    TimeProvider timeProvider,
    ILogger<TenantBroadcast> logger)
{
    /// <summary>Tells every active silo the versions <paramref name="tenantId"/> is at.</summary>
    public async Task InvalidateAsync(string tenantId, string identityVersion, string directoryVersion, CancellationToken cancellationToken = default)
    {
        var silos = membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status is SiloStatus.Active or SiloStatus.Joining or SiloStatus.ShuttingDown)
            .Select(member => member.SiloAddress)
            .ToArray();
        if (silos.Length == 0)
        {
            return;
        }

        // A silo that has not answered when its lease has surely run out no longer uses the old snapshot anyway.
        using var lease = new CancellationTokenSource(SnapshotLease.Duration, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(lease.Token, cancellationToken);
        await Task.WhenAll(silos.Select(silo => InvalidateOneAsync(silo, tenantId, identityVersion, directoryVersion, linked.Token)));
    }

    private async Task InvalidateOneAsync(SiloAddress silo, string tenantId, string identityVersion, string directoryVersion, CancellationToken cancellationToken)
    {
        try
        {
            await agents.For(silo).InvalidateTenant(tenantId, identityVersion, directoryVersion).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Dead or unreachable: it cannot serve with the old snapshot past its lease, so waiting out the lease is
            // enough. Log, and wait out what is left of it.
            LogUnreachable(logger, silo, tenantId, exception);
            await Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (OperationCanceledException)
        {
            // The lease ran out before the silo answered.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Silo} did not take the change of tenant {TenantId}; waiting out its snapshot lease.")]
    private static partial void LogUnreachable(ILogger logger, SiloAddress silo, string tenantId, Exception exception);
}

/// <summary>
/// How long a silo may use a tenant snapshot after it asked for it without hearing of a change: the bound on how
/// long a silo that misses an invalidation (frozen, partitioned) can act on old state.
/// </summary>
public static class SnapshotLease
{
    /// <summary>The lease: a few seconds.</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(5);
}
