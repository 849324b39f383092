using SetHub.Core.Signing;

namespace SetHub.Grains.Delivery;

/// <summary>The active signing keys of tenants, as the silo knows them (from its snapshot of the tenant).</summary>
public interface ISigningKeySource
{
    /// <summary>The key SETs of <paramref name="tenantId"/> are signed with under <paramref name="algorithm"/>.</summary>
    /// <exception cref="InvalidOperationException">The tenant has no active key of that algorithm.</exception>
    ValueTask<SigningKey> GetActiveKeyAsync(string tenantId, string algorithm, CancellationToken cancellationToken = default);
}
