namespace SetHub.Core.Signing;

/// <summary>A tenant signing key as stored: public JWK in clear, private key encrypted.</summary>
/// <param name="TenantId">The tenant it signs for.</param>
/// <param name="KeyId">Its <c>kid</c>: the RFC 7638 JWK thumbprint.</param>
/// <param name="Algorithm">ES256 or RS256.</param>
/// <param name="PublicJwk">The public JWK as compact JSON, ready for the JWKS document.</param>
/// <param name="ProtectedPrivateKey">The PKCS#8 private key, encrypted with <see cref="Security.ISecretProtector"/>
/// for the purpose <see cref="Purpose"/>.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RetiredAt">When a rotation replaced it, or <see langword="null"/> while it is active.</param>
public sealed record SigningKeyRecord(
    string TenantId,
    string KeyId,
    string Algorithm,
    string PublicJwk,
    byte[] ProtectedPrivateKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RetiredAt)
{
    /// <summary>The encryption purpose binding a private key to its tenant and kid.</summary>
    public static string Purpose(string tenantId, string keyId) => $"signing-key:{tenantId}:{keyId}";
}
