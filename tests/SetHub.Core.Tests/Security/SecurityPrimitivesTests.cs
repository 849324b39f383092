using System.Security.Cryptography;
using SetHub.Core.Security;

namespace SetHub.Core.Tests.Security;

public sealed class SecurityPrimitivesTests
{
    [Theory]
    [InlineData(TokenKind.Operator, null, "sh_adm_")]
    [InlineData(TokenKind.Tenant, "acme", "sh_ten_acme.")]
    [InlineData(TokenKind.Receiver, "acme-2", "sh_rcv_acme-2.")]
    public void Generate_TokensArePrefixedAndUnique(TokenKind kind, string? tenantId, string prefix)
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => BearerTokens.Generate(kind, tenantId)).ToArray();

        Assert.All(tokens, token => Assert.StartsWith(prefix, token, StringComparison.Ordinal));
        Assert.All(tokens, token => Assert.Equal(prefix.Length + 43, token.Length)); // 256 bits, base64url
        Assert.Equal(tokens.Length, tokens.Distinct().Count());
    }

    [Theory]
    [InlineData("sh_ten_acme.secret", true, "acme")]
    [InlineData("sh_rcv_a-b-c.se.cret", true, "a-b-c")]
    [InlineData("sh_adm_secret", false, "")]
    [InlineData("sh_rcv_.secret", false, "")]
    [InlineData("invalid:3f4c5a0e", false, "")]
    public void TryReadTenant_ReadsTheTenantOfTenantAndReceiverTokens(string token, bool found, string tenantId)
    {
        Assert.Equal(found, BearerTokens.TryReadTenant(token, out var read));
        Assert.Equal(tenantId, read);
    }

    [Fact]
    public void Generate_RequiresATenantExactlyForTenantScopedKinds()
    {
        Assert.Throws<ArgumentException>(() => BearerTokens.Generate(TokenKind.Receiver));
        Assert.Throws<ArgumentException>(() => BearerTokens.Generate(TokenKind.Operator, "acme"));
    }

    [Fact]
    public void Hash_IsDeterministicAndDoesNotContainTheToken()
    {
        var token = BearerTokens.Generate(TokenKind.Receiver, "acme");

        Assert.Equal(BearerTokens.Hash(token), BearerTokens.Hash(token));
        Assert.NotEqual(BearerTokens.Hash(token), BearerTokens.Hash(token + "x"));
        Assert.DoesNotContain(token[^20..], BearerTokens.Hash(token), StringComparison.Ordinal);
    }

    [Fact]
    public void Protector_RoundTripsAndRejectsTampering()
    {
        var protector = new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32));
        var sealedValue = protector.Protect("Bearer secret"u8, "purpose-a");

        Assert.Equal("Bearer secret"u8.ToArray(), protector.Unprotect(sealedValue, "purpose-a"));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(sealedValue, "purpose-b"));

        sealedValue[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(sealedValue, "purpose-a"));
    }

    [Fact]
    public void Protector_UsesAFreshNoncePerValue()
    {
        var protector = new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32));

        Assert.NotEqual(protector.Protect("same"u8, "p"), protector.Protect("same"u8, "p"));
    }

    [Fact]
    public void NewIdentifier_IsUnreservedAndUnique()
    {
        // R95: stream ids use RFC 3986 unreserved characters.
        var ids = Enumerable.Range(0, 1000).Select(_ => Identifiers.New(TimeProvider.System)).ToArray();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }
}
