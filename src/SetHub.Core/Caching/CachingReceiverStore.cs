using SetHub.Core.Storage;
using SetHub.Core.Tenants;

namespace SetHub.Core.Caching;

/// <summary>Invalidates cached credentials and streams when receivers come and go.</summary>
public sealed class CachingReceiverStore(IReceiverStore inner, ICacheInvalidation invalidation) : IReceiverStore
{
    /// <inheritdoc />
    public async Task CreateReceiverAsync(Receiver receiver, string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        await inner.CreateReceiverAsync(receiver, tokenHash, cancellationToken);
        invalidation.Publish(CacheScopes.Credentials(receiver.TenantId));
    }

    /// <inheritdoc />
    public Task<Receiver?> GetReceiverAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default) =>
        inner.GetReceiverAsync(tenantId, receiverId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Receiver>> ListReceiversAsync(string tenantId, CancellationToken cancellationToken = default) =>
        inner.ListReceiversAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> DeleteReceiverAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default)
    {
        var deleted = await inner.DeleteReceiverAsync(tenantId, receiverId, cancellationToken);

        // Its token and all its streams are gone; receivers are deleted rarely, so every cache starts afresh.
        invalidation.Publish(ICacheInvalidation.Everything);
        return deleted;
    }
}
