using SetHub.Core.Security;

namespace SetHub.Core.Signing;

/// <summary>
/// A tenant's signing keys: at most one active key per algorithm; a rotation retires the active ones, which stay
/// published in the JWKS for the grace period so SETs signed with them still verify.
/// </summary>
public static class SigningKeyRing
{
    /// <summary>
    /// How many retired keys of one algorithm the JWKS may hold at once. Retired keys must stay published for the grace
    /// period (SETs signed with them may still be queued), so rotations are rate-limited rather than keys dropped early:
    /// once an algorithm has this many retired keys within the grace period, the next rotation waits until the oldest
    /// leaves. The JWKS so holds at most this many plus one keys per algorithm; an emergency rotation (a leaked key) is
    /// refused only after ten rotations within one grace period.
    /// </summary>
    public const int MaxRetiredKeysPerAlgorithm = 10;

    /// <summary>When a rotation may happen again, or <see langword="null"/> when it may now (see
    /// <see cref="MaxRetiredKeysPerAlgorithm"/>).</summary>
    public static DateTimeOffset? RotationBlockedUntil(IReadOnlyList<SigningKeyRecord> keys, DateTimeOffset now, TimeSpan gracePeriod)
    {
        ArgumentNullException.ThrowIfNull(keys);
        DateTimeOffset? blockedUntil = null;
        foreach (var retired in Published(keys, now, gracePeriod).Where(key => key.RetiredAt is not null).GroupBy(key => key.Algorithm, StringComparer.Ordinal))
        {
            // The oldest retired keys must leave before the count drops below the limit again.
            var oldest = retired.Select(key => key.RetiredAt!.Value).Order().ToArray();
            if (oldest.Length >= MaxRetiredKeysPerAlgorithm)
            {
                var until = oldest[oldest.Length - MaxRetiredKeysPerAlgorithm] + gracePeriod;
                blockedUntil = blockedUntil is { } other && other > until ? other : until;
            }
        }

        return blockedUntil;
    }

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
