using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SetHub.Core.Security;
using SetHub.Core.Signing;

namespace SetHub.Core.Tests.Signing;

public sealed class SetSigningTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly AesGcmSecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void JwkThumbprint_MatchesRfc7638Example()
    {
        // RFC 7638 §3.1: the example RSA key and its thumbprint.
        const string n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", JwkThumbprint.ForRsa(n, "AQAB"));
    }

    [Theory]
    [InlineData(SsfConstants.Algorithms.ES256)]
    [InlineData(SsfConstants.Algorithms.RS256)]
    public void Sign_ProducesACompactJwsThatVerifiesWithThePublishedJwk(string algorithm)
    {
        var record = SigningKeyGenerator.Generate("acme", algorithm, _protector, Now);
        using var key = SigningKey.Load(record, _protector);
        var claims = new SetClaims(
            "https://hub.example.com/tenants/acme",
            "https://rp.example.com",
            "jti-1",
            Now.ToUnixTimeSeconds(),
            """{"format":"email","email":"a+b@example.com"}""",
            SsfConstants.CaepEvents.SessionRevoked,
            """{"initiating_entity":"policy"}""",
            Transaction: "txn-1");

        var token = claims.Sign(key);

        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal(algorithm, header.RootElement.GetProperty("alg").GetString());
        Assert.Equal(record.KeyId, header.RootElement.GetProperty("kid").GetString());
        Assert.Equal("secevent+jwt", header.RootElement.GetProperty("typ").GetString()); // R63
        Assert.DoesNotContain("\\u002B", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0])), StringComparison.Ordinal);
        Assert.True(Verify(record.PublicJwk, algorithm, parts), "R76 the signature verifies with the JWK");

        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var root = payload.RootElement;
        Assert.Equal("https://hub.example.com/tenants/acme", root.GetProperty("iss").GetString());
        Assert.Equal("https://rp.example.com", root.GetProperty("aud").GetString());
        Assert.Equal("jti-1", root.GetProperty("jti").GetString());
        Assert.Equal(Now.ToUnixTimeSeconds(), root.GetProperty("iat").GetInt64());
        Assert.Equal("txn-1", root.GetProperty("txn").GetString());
        Assert.Equal("a+b@example.com", root.GetProperty("sub_id").GetProperty("email").GetString());
        Assert.False(root.TryGetProperty("sub", out _), "R74 no sub");
        Assert.False(root.TryGetProperty("exp", out _), "R75 no exp");
        var events = root.GetProperty("events").EnumerateObject().ToArray();
        Assert.Single(events); // R72
        Assert.Equal(SsfConstants.CaepEvents.SessionRevoked, events[0].Name);
    }

    [Fact]
    public void Generate_Rs256Key_IsAtLeast2048Bits()
    {
        // R146: the CAEP interoperability profile requires RSA keys of at least 2048 bits.
        var record = SigningKeyGenerator.Generate("acme", SsfConstants.Algorithms.RS256, _protector, Now);
        using var jwk = JsonDocument.Parse(record.PublicJwk);

        Assert.True(Base64Url.DecodeFromChars(jwk.RootElement.GetProperty("n").GetString()).Length * 8 >= 2048);
        Assert.False(jwk.RootElement.TryGetProperty("d", out _), "the public JWK carries no private member");
    }

    [Fact]
    public void Generate_PrivateKey_IsEncryptedAndBoundToItsRow()
    {
        var record = SigningKeyGenerator.Generate("acme", SsfConstants.Algorithms.ES256, _protector, Now);

        Assert.ThrowsAny<CryptographicException>(() => _protector.Unprotect(record.ProtectedPrivateKey, SigningKeyRecord.Purpose("other", record.KeyId)));
        Assert.ThrowsAny<CryptographicException>(() => SigningKey.Load(record, new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32))));
    }

    [Fact]
    public async Task Sign_IsSafeToCallConcurrently()
    {
        var record = SigningKeyGenerator.Generate("acme", SsfConstants.Algorithms.ES256, _protector, Now);
        using var key = SigningKey.Load(record, _protector);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() =>
            new SetClaims("https://i", "a", $"jti-{i}", 1, """{"format":"opaque","id":"x"}""", "urn:e", "{}").Sign(key))));

        Assert.All(tokens, token => Assert.True(Verify(record.PublicJwk, SsfConstants.Algorithms.ES256, token.Split('.'))));
        Assert.Equal(200, tokens.Distinct().Count());
    }

    [Theory]
    [InlineData(SsfConstants.Algorithms.ES256)]
    [InlineData(SsfConstants.Algorithms.RS256)]
    public void Reissue_KeepsEveryClaim_ButJtiAndIat_AndSignsWithTheGivenKey(string algorithm)
    {
        var oldRecord = SigningKeyGenerator.Generate("acme", SsfConstants.Algorithms.ES256, _protector, Now);
        using var oldKey = SigningKey.Load(oldRecord, _protector);
        var record = SigningKeyGenerator.Generate("acme", algorithm, _protector, Now);
        using var key = SigningKey.Load(record, _protector);
        var original = new SetClaims("https://hub.example.com/tenants/acme", "https://rp.example.com", "jti-1", Now.ToUnixTimeSeconds(),
            """{"format":"email","email":"a@example.com"}""", SsfConstants.CaepEvents.SessionRevoked, """{"initiating_entity":"policy"}""",
            Transaction: "txn-1", TimeOfEvent: 1700000000).Sign(oldKey);

        var jti = SetReissue.NewJti();
        var reissued = SetReissue.Reissue(original, jti, Now.AddDays(2), key);

        var parts = reissued.Split('.');
        Assert.True(Verify(record.PublicJwk, algorithm, parts));
        using var before = JsonDocument.Parse(Base64Url.DecodeFromChars(original.Split('.')[1]));
        using var after = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        Assert.Equal(jti, after.RootElement.GetProperty("jti").GetString());
        Assert.Equal(Now.AddDays(2).ToUnixTimeSeconds(), after.RootElement.GetProperty("iat").GetInt64());
        Assert.Equal(
            before.RootElement.EnumerateObject().Select(claim => claim.Name),
            after.RootElement.EnumerateObject().Select(claim => claim.Name)); // same claims, same order
        foreach (var claim in before.RootElement.EnumerateObject().Where(claim => claim.Name is not ("jti" or "iat")))
        {
            Assert.Equal(claim.Value.GetRawText(), after.RootElement.GetProperty(claim.Name).GetRawText());
        }

        Assert.Equal(22, jti.Length);
        Assert.NotEqual(jti, SetReissue.NewJti());
    }

    [Theory]
    [InlineData("not-a-jws")]
    [InlineData("a.W10.c")] // payload "[]"
    public void Reissue_RefusesWhatIsNotASet(string token)
    {
        var record = SigningKeyGenerator.Generate("acme", SsfConstants.Algorithms.ES256, _protector, Now);
        using var key = SigningKey.Load(record, _protector);

        Assert.Throws<FormatException>(() => SetReissue.Reissue(token, "jti", Now, key));
    }

    private static bool Verify(string publicJwk, string algorithm, string[] parts)
    {
        using var jwk = JsonDocument.Parse(publicJwk);
        var data = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        var signature = Base64Url.DecodeFromChars(parts[2]);
        if (algorithm == SsfConstants.Algorithms.ES256)
        {
            using var ec = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Bytes(jwk, "x"), Y = Bytes(jwk, "y") },
            });
            return ec.VerifyData(data, signature, HashAlgorithmName.SHA256);
        }

        using var rsa = RSA.Create(new RSAParameters { Modulus = Bytes(jwk, "n"), Exponent = Bytes(jwk, "e") });
        return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private static byte[] Bytes(JsonDocument jwk, string member) => Base64Url.DecodeFromChars(jwk.RootElement.GetProperty(member).GetString());
}
