using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SetHub.Core.Security;
using SetHub.Core.Storage;

namespace SetHub.Core.Signing;

/// <summary>
/// Tenant signing keys: creation, the active key per algorithm (cached), the published JWKS and rotation.
/// </summary>
public sealed class SigningKeyService(
    ISigningKeyStore store,
    ISecretProtector protector,
    IOptions<SigningKeyOptions> options,
    TimeProvider timeProvider)
{
    // Key material never changes for a kid, so decrypted keys are cached for the life of the process.
    private readonly ConcurrentDictionary<string, SigningKey> _keysByKid = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string TenantId, string Algorithm), (string KeyId, DateTimeOffset Expires)> _active = new();

    /// <summary>Generates a tenant's first key (ES256), to be stored with the tenant.</summary>
    public SigningKeyRecord CreateInitialKey(string tenantId) =>
        SigningKeyGenerator.Generate(tenantId, SsfConstants.Algorithms.ES256, protector, timeProvider.GetUtcNow());

    /// <summary>Returns the key SETs for <paramref name="tenantId"/> are signed with under <paramref name="algorithm"/>,
    /// creating one on first use of that algorithm (RS256 is created when a receiver first needs it).</summary>
    public async Task<SigningKey> GetSigningKeyAsync(string tenantId, string algorithm, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        if (_active.TryGetValue((tenantId, algorithm), out var active) && active.Expires > now &&
            _keysByKid.TryGetValue(active.KeyId, out var cached))
        {
            return cached;
        }

        var records = await store.ListSigningKeysAsync(tenantId, cancellationToken);
        var record = records.FirstOrDefault(k => k.Algorithm == algorithm && k.RetiredAt is null);
        if (record is null)
        {
            record = SigningKeyGenerator.Generate(tenantId, algorithm, protector, now);
            await store.AddSigningKeysAsync(tenantId, [record], retireActiveAt: null, cancellationToken);
        }

        var key = _keysByKid.GetOrAdd(record.KeyId, static (_, state) => SigningKey.Load(state.record, state.protector), (record, protector));
        _active[(tenantId, algorithm)] = (record.KeyId, now + options.Value.ActiveKeyCacheDuration);
        return key;
    }

    /// <summary>The public JWKs to publish: active keys, and retired ones still within the grace period.</summary>
    public async Task<IReadOnlyList<SigningKeyRecord>> GetPublishedKeysAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var cutoff = timeProvider.GetUtcNow() - options.Value.RotationGracePeriod;
        var records = await store.ListSigningKeysAsync(tenantId, cancellationToken);
        return records.Where(k => k.RetiredAt is null || k.RetiredAt > cutoff).ToArray();
    }

    /// <summary>
    /// Rotates: a new key for every algorithm the tenant signs with (at least ES256); the old ones are retired but
    /// stay published for <see cref="SigningKeyOptions.RotationGracePeriod"/>.
    /// </summary>
    /// <returns>The new keys.</returns>
    public async Task<IReadOnlyList<SigningKeyRecord>> RotateAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        var existing = await store.ListSigningKeysAsync(tenantId, cancellationToken);
        var algorithms = existing.Where(k => k.RetiredAt is null).Select(k => k.Algorithm)
            .Append(SsfConstants.Algorithms.ES256)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

        var fresh = algorithms.Select(algorithm => SigningKeyGenerator.Generate(tenantId, algorithm, protector, now)).ToArray();
        await store.AddSigningKeysAsync(tenantId, fresh, retireActiveAt: now, cancellationToken);
        foreach (var key in fresh)
        {
            _active.TryRemove((tenantId, key.Algorithm), out _);
        }

        return fresh;
    }
}
