using SetHub.Core.Signing;

namespace SetHub.Core.Storage;

/// <summary>Tenant signing keys.</summary>
public interface ISigningKeyStore
{
    /// <summary>Lists a tenant's keys, newest first, retired ones included.</summary>
    Task<IReadOnlyList<SigningKeyRecord>> ListSigningKeysAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Adds keys for one tenant. When <paramref name="retireActiveAt"/> is set, the tenant's active keys of the
    /// same algorithms are retired at that time in the same transaction (rotation); otherwise a key is skipped when its
    /// algorithm already has an active key (a tenant has at most one active key per algorithm).</summary>
    Task AddSigningKeysAsync(
        string tenantId,
        IReadOnlyList<SigningKeyRecord> keys,
        DateTimeOffset? retireActiveAt,
        CancellationToken cancellationToken = default);
}
