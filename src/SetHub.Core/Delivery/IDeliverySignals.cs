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
