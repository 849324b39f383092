using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SetHub.Core.Signing;

/// <summary>RFC 7638 JWK thumbprints, used as <c>kid</c>: stable, and derived from the key alone.</summary>
public static class JwkThumbprint
{
    /// <summary>The thumbprint of a P-256 public key (RFC 7638 §3.2: required members, sorted, no white space).</summary>
    public static string ForEc(string x, string y) => Hash($$"""{"crv":"P-256","kty":"EC","x":"{{x}}","y":"{{y}}"}""");

    /// <summary>The thumbprint of an RSA public key (RFC 7638 §3.2).</summary>
    public static string ForRsa(string modulus, string exponent) => Hash($$"""{"e":"{{exponent}}","kty":"RSA","n":"{{modulus}}"}""");

    private static string Hash(string canonicalJwk) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJwk)));
}
