namespace SetHub.Core.Storage;

/// <summary>
/// Named durable timers shared by every node (architecture: "timers replace reminders"). A node claims a due timer
/// with a lease, does the timer's work, and completes it with its next due time; while the lease holds no other node
/// claims it, and a node that dies mid-run hands the timer over when its lease expires.
/// </summary>
public interface ITimerStore
{
    /// <summary>Leases the timer <paramref name="name"/> to <paramref name="owner"/> (unique to this claim) until
    /// <paramref name="leaseUntil"/>, if it is due and not leased. A timer never seen before is due at once.</summary>
    /// <returns><see langword="true"/> when this call holds the timer.</returns>
    Task<bool> TryClaimAsync(string name, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>Ends <paramref name="owner"/>'s lease and makes the timer due at <paramref name="nextDue"/>; does
    /// nothing if the lease has passed to another node.</summary>
    Task CompleteAsync(string name, string owner, DateTimeOffset nextDue, CancellationToken cancellationToken = default);
}
