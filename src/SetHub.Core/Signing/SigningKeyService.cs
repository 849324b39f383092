using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SetHub.Core.Caching;
using SetHub.Core.Security;
using SetHub.Core.Storage;

namespace SetHub.Core.Signing;

/// <summary>
/// Tenant signing keys: creation, the active key per algorithm (cached), the published JWKS and rotation. A rotation
/// on any node drops the other nodes' cached active keys at once (<see cref="ICacheInvalidation"/>), so no node keeps
/// signing with a key rotated out because it was compromised.
/// </summary>
public sealed class SigningKeyService
{
    private readonly ISigningKeyStore _store;
    private readonly ISecretProtector _protector;
    private readonly IOptions<SigningKeyOptions> _options;
    private readonly ICacheInvalidation _invalidation;
    private readonly TimeProvider _timeProvider;

    // Key material never changes for a kid, so decrypted keys are cached for the life of the process.
    private readonly ConcurrentDictionary<string, SigningKey> _keysByKid = new(StringComparer.Ordinal);

    // The active kid per tenant and algorithm. A read takes the scope's generation before it asks the store, so a rotation
    // committed meanwhile (on any node) cannot leave the old kid cached.
    private readonly InvalidatingCache<(string TenantId, string Algorithm), string> _active;

    /// <summary>Creates the service and subscribes to key invalidations from every node.</summary>
    public SigningKeyService(
        ISigningKeyStore store,
        ISecretProtector protector,
        IOptions<SigningKeyOptions> options,
        ICacheInvalidation invalidation,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(invalidation);
        _store = store;
        _protector = protector;
        _options = options;
        _invalidation = invalidation;
        _timeProvider = timeProvider;
        _active = new InvalidatingCache<(string, string), string>(options.Value.ActiveKeyCacheDuration, 100_000, timeProvider);
        invalidation.Invalidated += _active.Invalidate;
    }

    /// <summary>Generates a tenant's first key (ES256), to be stored with the tenant.</summary>
    public SigningKeyRecord CreateInitialKey(string tenantId) =>
        SigningKeyGenerator.Generate(tenantId, SsfConstants.Algorithms.ES256, _protector, _timeProvider.GetUtcNow());

    /// <summary>Returns the key SETs for <paramref name="tenantId"/> are signed with under <paramref name="algorithm"/>,
    /// creating one on first use of that algorithm (RS256 is created when a receiver first needs it).</summary>
    public async Task<SigningKey> GetSigningKeyAsync(string tenantId, string algorithm, CancellationToken cancellationToken = default)
    {
        if (_active.TryGet((tenantId, algorithm), out var kid) && _keysByKid.TryGetValue(kid, out var cached))
        {
            return cached;
        }

        var now = _timeProvider.GetUtcNow();
        var scope = CacheScopes.SigningKeys(tenantId);
        var generation = _active.Generation(scope);
        var record = await FindActiveAsync(tenantId, algorithm, cancellationToken);
        if (record is null)
        {
            // Nodes racing to create a tenant's first key of this algorithm: the store keeps one active key per
            // algorithm, so every node signs with whichever was stored first.
            await _store.AddSigningKeysAsync(tenantId, [SigningKeyGenerator.Generate(tenantId, algorithm, _protector, now)], retireActiveAt: null, cancellationToken);
            record = await FindActiveAsync(tenantId, algorithm, cancellationToken)
                ?? throw new InvalidOperationException($"Tenant '{tenantId}' has no active {algorithm} key after creating one.");
        }

        var key = _keysByKid.GetOrAdd(record.KeyId, static (_, state) => SigningKey.Load(state.record, state.protector), (record, protector: _protector));
        _active.Set((tenantId, algorithm), scope, record.KeyId, generation);
        return key;
    }

    /// <summary>The public JWKs to publish: active keys, and retired ones still within the grace period.</summary>
    public async Task<IReadOnlyList<SigningKeyRecord>> GetPublishedKeysAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var cutoff = _timeProvider.GetUtcNow() - _options.Value.RotationGracePeriod;
        var records = await _store.ListSigningKeysAsync(tenantId, cancellationToken);
        return records.Where(k => k.RetiredAt is null || k.RetiredAt > cutoff).ToArray();
    }

    /// <summary>
    /// Rotates: a new key for every algorithm the tenant signs with (at least ES256); the old ones are retired but
    /// stay published for <see cref="SigningKeyOptions.RotationGracePeriod"/>.
    /// </summary>
    /// <returns>The new keys.</returns>
    public async Task<IReadOnlyList<SigningKeyRecord>> RotateAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        var existing = await _store.ListSigningKeysAsync(tenantId, cancellationToken);
        var algorithms = existing.Where(k => k.RetiredAt is null).Select(k => k.Algorithm)
            .Append(SsfConstants.Algorithms.ES256)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

        var fresh = algorithms.Select(algorithm => SigningKeyGenerator.Generate(tenantId, algorithm, _protector, now)).ToArray();
        await _store.AddSigningKeysAsync(tenantId, fresh, retireActiveAt: now, cancellationToken);
        _invalidation.Publish(CacheScopes.SigningKeys(tenantId));
        return fresh;
    }

    private async Task<SigningKeyRecord?> FindActiveAsync(string tenantId, string algorithm, CancellationToken cancellationToken) =>
        (await _store.ListSigningKeysAsync(tenantId, cancellationToken)).FirstOrDefault(k => k.Algorithm == algorithm && k.RetiredAt is null);
}
