using System.Security.Cryptography;
using SetHub.Core.Security;

namespace SetHub.Core.Tests.Security;

public sealed class SecurityPrimitivesTests
{
    [Theory]
    [InlineData(TokenKind.Operator, "sh_adm_")]
    [InlineData(TokenKind.Tenant, "sh_ten_")]
    [InlineData(TokenKind.Receiver, "sh_rcv_")]
    public void Generate_TokensArePrefixedAndUnique(TokenKind kind, string prefix)
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => BearerTokens.Generate(kind)).ToArray();

        Assert.All(tokens, token => Assert.StartsWith(prefix, token, StringComparison.Ordinal));
        Assert.All(tokens, token => Assert.Equal(prefix.Length + 43, token.Length)); // 256 bits, base64url
        Assert.Equal(tokens.Length, tokens.Distinct().Count());
    }

    [Fact]
    public void Hash_IsDeterministicAndDoesNotContainTheToken()
    {
        var token = BearerTokens.Generate(TokenKind.Receiver);

        Assert.Equal(BearerTokens.Hash(token), BearerTokens.Hash(token));
        Assert.NotEqual(BearerTokens.Hash(token), BearerTokens.Hash(token + "x"));
        Assert.DoesNotContain(token[7..], BearerTokens.Hash(token), StringComparison.Ordinal);
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
