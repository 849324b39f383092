using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SetHub.Core.Security;

/// <summary>Who a bearer token belongs to.</summary>
public enum TokenKind
{
    /// <summary>The operator: may do everything.</summary>
    Operator,

    /// <summary>A tenant: may manage its own tenant.</summary>
    Tenant,

    /// <summary>A receiver: may use its tenant's SSF endpoints for its own streams.</summary>
    Receiver,
}

/// <summary>
/// Opaque bearer tokens: a kind prefix (so operators and secret scanners can tell them apart) and 256 random bits.
/// Only their SHA-256 is stored; a fast hash is right for random 256-bit secrets, which cannot be guessed.
/// </summary>
public static class BearerTokens
{
    /// <summary>Generates a new token of <paramref name="kind"/>.</summary>
    public static string Generate(TokenKind kind)
    {
        Span<byte> secret = stackalloc byte[32];
        RandomNumberGenerator.Fill(secret);
        return Prefix(kind) + Base64Url.EncodeToString(secret);
    }

    /// <summary>The stored form of a token: base64url(SHA-256(token)).</summary>
    public static string Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        return Base64Url.EncodeToString(hash);
    }

    /// <summary>Compares two hashes in constant time.</summary>
    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    private static string Prefix(TokenKind kind) => kind switch
    {
        TokenKind.Operator => "sh_adm_",
        TokenKind.Tenant => "sh_ten_",
        TokenKind.Receiver => "sh_rcv_",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
