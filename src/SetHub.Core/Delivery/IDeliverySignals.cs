using SetHub.Core.Storage;

namespace SetHub.Core.Delivery;

/// <summary>
/// Wake-ups between whoever queues SETs and whoever delivers them: long polls waiting on a stream, and the push
/// worker. Signals are hints, never the source of truth; waiters always re-read the store.
/// </summary>
public interface IDeliverySignals
{
    /// <summary>Announces committed SETs (or SETs released from hold) on these streams.</summary>
    void Announce(IEnumerable<EnqueuedSet> sets);

    /// <summary>Announces that a stream may have new deliverable SETs, in the given lane.</summary>
    void Announce(string tenantId, string streamId, SetLane lane);

    /// <summary>Waits until a SET is announced for the stream, the timeout passes, or the token is cancelled.</summary>
    /// <returns><see langword="true"/> when woken by an announcement.</returns>
    Task<bool> WaitForStreamAsync(string tenantId, string streamId, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Waits until push work is announced, the timeout passes, or the token is cancelled.</summary>
    Task WaitForPushWorkAsync(TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>Announcements about a whole stream.</summary>
public static class DeliverySignalsExtensions
{
    /// <summary>Announces that <paramref name="stream"/> may have deliverable SETs in the lane of its delivery method
    /// (it was created, changed, re-enabled, verified, or had SETs re-driven).</summary>
    public static void Announce(this IDeliverySignals signals, Streams.EventStream stream)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(stream);
        signals.Announce(stream.TenantId, stream.StreamId, stream.Delivery.IsPush ? SetLane.Push : SetLane.Poll);
    }
}
