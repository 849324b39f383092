using SetHub.Core.Security;

namespace SetHub.Core.Signing;

/// <summary>
/// A tenant's signing keys: at most one active key per algorithm; a rotation retires the active ones, which stay
/// published in the JWKS for the grace period so SETs signed with them still verify.
/// </summary>
public static class SigningKeyRing
{
    /// <summary>The keys to publish at <paramref name="now"/>: active ones, and retired ones within the grace period.</summary>
    public static IReadOnlyList<SigningKeyRecord> Published(IEnumerable<SigningKeyRecord> keys, DateTimeOffset now, TimeSpan gracePeriod) =>
        [.. keys.Where(key => key.RetiredAt is null || key.RetiredAt > now - gracePeriod)];

    /// <summary>The active key of <paramref name="algorithm"/>, if any.</summary>
    public static SigningKeyRecord? Active(IEnumerable<SigningKeyRecord> keys, string algorithm) =>
        keys.FirstOrDefault(key => key.Algorithm == algorithm && key.RetiredAt is null);

    /// <summary>
    /// A rotation: a new key for every algorithm the tenant signs with (at least ES256), and every active key retired at
    /// <paramref name="now"/>. Keys past the grace period are dropped, so the ring does not grow without bound.
    /// </summary>
    /// <returns>The whole ring after the rotation, and the new keys.</returns>
    public static (IReadOnlyList<SigningKeyRecord> Ring, IReadOnlyList<SigningKeyRecord> Fresh) Rotate(
        string tenantId, IReadOnlyList<SigningKeyRecord> keys, ISecretProtector protector, DateTimeOffset now, TimeSpan gracePeriod)
    {
        var fresh = keys.Where(key => key.RetiredAt is null).Select(key => key.Algorithm)
            .Append(SsfConstants.Algorithms.ES256)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(algorithm => SigningKeyGenerator.Generate(tenantId, algorithm, protector, now))
            .ToArray();
        var retired = keys.Select(key => key.RetiredAt is null ? key with { RetiredAt = now } : key);
        return ([.. fresh, .. Published(retired, now, gracePeriod)], fresh);
    }
}
