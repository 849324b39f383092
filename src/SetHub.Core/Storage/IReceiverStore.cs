using SetHub.Core.Tenants;

namespace SetHub.Core.Storage;

/// <summary>Receivers of a tenant.</summary>
public interface IReceiverStore
{
    /// <summary>Registers a receiver with its token hash.</summary>
    Task CreateReceiverAsync(Receiver receiver, string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Reads a receiver.</summary>
    Task<Receiver?> GetReceiverAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default);

    /// <summary>Lists a tenant's receivers, oldest first.</summary>
    Task<IReadOnlyList<Receiver>> ListReceiversAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a receiver, its credential, its streams and everything queued for them.</summary>
    /// <returns><see langword="false"/> when there was no such receiver.</returns>
    Task<bool> DeleteReceiverAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default);
}
