using SetHub.Core.Signing;
using SetHub.Core.Tenants;

namespace SetHub.Grains.Tenants;

/// <summary>A tenant's settings as they cross grain calls and are persisted: the serializable form of <see cref="Tenant"/>.</summary>
[GenerateSerializer, Immutable, Alias("SetHub.TenantData")]
public sealed record TenantData(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string? DisplayName,
    [property: Id(2)] string DefaultSubjects,
    [property: Id(3)] string[]? EventsSupported,
    [property: Id(4)] TimeSpan? InactivityTimeout,
    [property: Id(5)] TimeSpan? MinVerificationInterval,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset UpdatedAt,
    [property: Id(8)] bool Disabled = false)
{
    /// <summary>From Core's model.</summary>
    public static TenantData From(Tenant tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return new TenantData(tenant.TenantId, tenant.DisplayName, tenant.DefaultSubjects, tenant.EventsSupported?.ToArray(),
            tenant.InactivityTimeout, tenant.MinVerificationInterval, tenant.CreatedAt, tenant.UpdatedAt, tenant.Disabled);
    }

    /// <summary>To Core's model.</summary>
    public Tenant ToTenant() => new(TenantId, DisplayName, DefaultSubjects, EventsSupported, InactivityTimeout, MinVerificationInterval, CreatedAt, UpdatedAt, Disabled);
}

/// <summary>A receiver, without its credential.</summary>
[GenerateSerializer, Immutable, Alias("SetHub.ReceiverData")]
public sealed record ReceiverData(
    [property: Id(0)] string ReceiverId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Audience,
    [property: Id(3)] string SigningAlgorithm,
    [property: Id(4)] DateTimeOffset CreatedAt);

/// <summary>A signing key as the tenant keeps it: public JWK in clear, private key encrypted under the master key.</summary>
[GenerateSerializer, Immutable, Alias("SetHub.SigningKeyData")]
public sealed record SigningKeyData(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string Algorithm,
    [property: Id(2)] string PublicJwk,
    [property: Id(3)] byte[] ProtectedPrivateKey,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? RetiredAt)
{
    /// <summary>From Core's model.</summary>
    public static SigningKeyData From(SigningKeyRecord key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new SigningKeyData(key.KeyId, key.Algorithm, key.PublicJwk, key.ProtectedPrivateKey, key.CreatedAt, key.RetiredAt);
    }

    /// <summary>To Core's model.</summary>
    public SigningKeyRecord ToRecord(string tenantId) => new(tenantId, KeyId, Algorithm, PublicJwk, ProtectedPrivateKey, CreatedAt, RetiredAt);

    /// <summary>The key without its private part (for answers that only show or publish it).</summary>
    public SigningKeyData PublicOnly() => this with { ProtectedPrivateKey = [] };
}

/// <summary>The answer to a tenant PUT.</summary>
/// <param name="Tenant">The tenant as stored.</param>
/// <param name="Created">Whether this call created it.</param>
/// <param name="Token">The tenant token, only when created: shown once, stored as a hash.</param>
[GenerateSerializer, Immutable, Alias("SetHub.TenantPutResult")]
public sealed record TenantPutResult([property: Id(0)] TenantData Tenant, [property: Id(1)] bool Created, [property: Id(2)] string? Token);

/// <summary>A registered receiver and its token (shown once, stored as a hash).</summary>
[GenerateSerializer, Immutable, Alias("SetHub.ReceiverRegistration")]
public sealed record ReceiverRegistration([property: Id(0)] ReceiverData Receiver, [property: Id(1)] string Token);
