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

    /// <summary>
    /// Updates a tenant's display name, default subjects, supported events and stream defaults. When its effective
    /// <c>events_supported</c> changes, every stream of the tenant gets <c>events_delivered</c> =
    /// <c>events_requested</c> ∩ the new <c>events_supported</c> (<see cref="Streams.StreamRules.EventsDelivered"/>)
    /// in the same transaction, and those whose list changed a new version (SSF 1.0 §8.1.1, R93).
    /// </summary>
    /// <returns>The ids of the tenant's streams whose <c>events_delivered</c> changed.</returns>
    Task<IReadOnlyList<string>> UpdateTenantAsync(Tenant tenant, CancellationToken cancellationToken = default);

    /// <summary>Finds the tenant or receiver credential with this token hash, within one tenant only: a token of
    /// another tenant is never found, which is how tenant isolation starts.</summary>
    Task<Credential?> FindCredentialAsync(string tenantId, string tokenHash, CancellationToken cancellationToken = default);
}
