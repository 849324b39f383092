using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Core.Tenants;

namespace SetHub.Core.Storage;

/// <summary>A credential found by its token hash.</summary>
/// <param name="TenantId">The tenant it belongs to.</param>
/// <param name="Kind">Tenant or receiver.</param>
/// <param name="ReceiverId">The receiver, for a receiver credential.</param>
public sealed record Credential(string TenantId, TokenKind Kind, string? ReceiverId);

/// <summary>Tenants and their credentials.</summary>
public interface ITenantStore
{
    /// <summary>Creates a tenant with its token and first signing keys in one transaction.</summary>
    /// <returns><see langword="false"/> when the tenant already exists (nothing is written).</returns>
    Task<bool> CreateTenantAsync(Tenant tenant, string tokenHash, IReadOnlyList<SigningKeyRecord> keys, CancellationToken cancellationToken = default);

    /// <summary>Reads a tenant.</summary>
    Task<Tenant?> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Lists every tenant, ordered by id.</summary>
    Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken = default);

    /// <summary>Updates a tenant's display name, default subjects and supported events.</summary>
    Task UpdateTenantAsync(Tenant tenant, CancellationToken cancellationToken = default);

    /// <summary>Finds the tenant or receiver credential with this token hash, within one tenant only: a token of
    /// another tenant is never found, which is how tenant isolation starts.</summary>
    Task<Credential?> FindCredentialAsync(string tenantId, string tokenHash, CancellationToken cancellationToken = default);
}
