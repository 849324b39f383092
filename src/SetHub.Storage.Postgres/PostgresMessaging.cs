using SetHub.Core.Caching;
using SetHub.Core.Delivery;
using SetHub.Core.Storage;

namespace SetHub.Storage.Postgres;

/// <summary><see cref="IDeliverySignals"/> across nodes: local waiters are woken at once, other nodes through
/// <see cref="PostgresNotificationHub"/>.</summary>
public sealed class PostgresDeliverySignals(InProcessDeliverySignals local, PostgresNotificationHub hub) : IDeliverySignals
{
    /// <inheritdoc />
    public void Announce(IEnumerable<EnqueuedSet> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        foreach (var set in sets)
        {
            Announce(set.Set.TenantId, set.Set.StreamId, set.Lane);
        }
    }

    /// <inheritdoc />
    public void Announce(string tenantId, string streamId, SetLane lane)
    {
        local.Announce(tenantId, streamId, lane);
        hub.SendStreamSignal(tenantId, streamId, lane);
    }

    /// <inheritdoc />
    public Task<bool> WaitForStreamAsync(string tenantId, string streamId, TimeSpan timeout, CancellationToken cancellationToken) =>
        local.WaitForStreamAsync(tenantId, streamId, timeout, cancellationToken);

    /// <inheritdoc />
    public Task WaitForPushWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        local.WaitForPushWorkAsync(timeout, cancellationToken);
}

/// <summary><see cref="ICacheInvalidation"/> across nodes, through <see cref="PostgresNotificationHub"/>.</summary>
public sealed class PostgresCacheInvalidation : ICacheInvalidation
{
    private readonly PostgresNotificationHub _hub;

    /// <summary>Connects to the hub.</summary>
    public PostgresCacheInvalidation(PostgresNotificationHub hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        _hub = hub;
        hub.CacheInvalidated += scope => Invalidated?.Invoke(scope);
    }

    /// <inheritdoc />
    public event Action<string>? Invalidated;

    /// <inheritdoc />
    public void Publish(string scope)
    {
        Invalidated?.Invoke(scope);
        _hub.SendCacheInvalidation(scope);
    }
}
