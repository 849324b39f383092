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
/// Opaque bearer tokens: a kind prefix (so operators and secret scanners can tell them apart), the tenant id for
/// tenant and receiver tokens, and 256 random bits: <c>sh_rcv_acme.&lt;secret&gt;</c>. The tenant id lets a node find
/// the credential within its tenant only (every lookup keyed by tenant, as a sharded store needs), and tell a token
/// of another tenant (403) from an unknown one (401). Only the SHA-256 of a token is stored; a fast hash is right
/// for random 256-bit secrets, which cannot be guessed.
/// </summary>
public static class BearerTokens
{
    private const char TenantSeparator = '.';

    /// <summary>Generates a new token of <paramref name="kind"/>; tenant and receiver tokens name their tenant.</summary>
    public static string Generate(TokenKind kind, string? tenantId = null)
    {
        if ((kind == TokenKind.Operator) != (tenantId is null))
        {
            throw new ArgumentException("Tenant and receiver tokens need a tenant id; the operator token has none.", nameof(tenantId));
        }

        Span<byte> secret = stackalloc byte[32];
        RandomNumberGenerator.Fill(secret);
        var prefix = tenantId is null ? Prefix(kind) : Prefix(kind) + tenantId + TenantSeparator;
        return prefix + Base64Url.EncodeToString(secret);
    }

    /// <summary>Reads the tenant id a tenant or receiver token names; false for any other string.</summary>
    public static bool TryReadTenant(string token, out string tenantId)
    {
        ArgumentNullException.ThrowIfNull(token);
        tenantId = string.Empty;
        foreach (var kind in (ReadOnlySpan<TokenKind>)[TokenKind.Tenant, TokenKind.Receiver])
        {
            var prefix = Prefix(kind);
            var separator = token.IndexOf(TenantSeparator, StringComparison.Ordinal);
            if (token.StartsWith(prefix, StringComparison.Ordinal) && separator > prefix.Length)
            {
                tenantId = token[prefix.Length..separator];
                return true;
            }
        }

        return false;
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
