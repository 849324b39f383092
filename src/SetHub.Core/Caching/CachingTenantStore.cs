using SetHub.Core.Signing;
using SetHub.Core.Storage;
using SetHub.Core.Tenants;

namespace SetHub.Core.Caching;

/// <summary>Caches credential lookups (one per authenticated request). Tenants themselves are read from the store, so
/// the admin API reads its own writes on any node.</summary>
public sealed class CachingTenantStore : ITenantStore
{
    private readonly ITenantStore _inner;
    private readonly ICacheInvalidation _invalidation;
    private readonly InvalidatingCache<(string, string), Credential?> _credentials;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public CachingTenantStore(ITenantStore inner, ICacheInvalidation invalidation, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(invalidation);
        _inner = inner;
        _invalidation = invalidation;
        _credentials = new InvalidatingCache<(string, string), Credential?>(TimeSpan.FromMinutes(1), 100_000, timeProvider);
        invalidation.Invalidated += _credentials.Invalidate;
    }

    /// <inheritdoc />
    public async Task<bool> CreateTenantAsync(Tenant tenant, string tokenHash, IReadOnlyList<SigningKeyRecord> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var created = await _inner.CreateTenantAsync(tenant, tokenHash, keys, cancellationToken);
        _invalidation.Publish(CacheScopes.Credentials(tenant.TenantId));
        return created;
    }

    /// <inheritdoc />
    public Task<Tenant?> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _inner.GetTenantAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken = default) => _inner.ListTenantsAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> UpdateTenantAsync(Tenant tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var changed = await _inner.UpdateTenantAsync(tenant, cancellationToken);

        // Fan-out reads streams through the cache: a stream whose events_delivered shrank must not be served stale.
        foreach (var streamId in changed)
        {
            _invalidation.Publish(CacheScopes.Stream(tenant.TenantId, streamId));
        }

        return changed;
    }

    /// <inheritdoc />
    public async Task<Credential?> FindCredentialAsync(string tenantId, string tokenHash, CancellationToken cancellationToken = default)
    {
        if (_credentials.TryGet((tenantId, tokenHash), out var cached))
        {
            return cached;
        }

        // Unknown tokens are cached too (briefly, by the same rules): a token created later invalidates the tenant's
        // credentials, so it works at once.
        var scope = CacheScopes.Credentials(tenantId);
        var generation = _credentials.Generation(scope);
        var credential = await _inner.FindCredentialAsync(tenantId, tokenHash, cancellationToken);
        _credentials.Set((tenantId, tokenHash), scope, credential, generation);
        return credential;
    }
}
