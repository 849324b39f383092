using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SetHub.Core.Security;

using SetHub.Core.Json;

namespace SetHub.Core.Signing;

/// <summary>Creates tenant signing keys and their public JWKs (RFC 7517, RFC 7518 §6).</summary>
public static class SigningKeyGenerator
{
    /// <summary>RSA modulus size: the CAEP interoperability profile requires at least 2048 bits (R146).</summary>
    public const int RsaKeySize = 2048;

    /// <summary>Whether SetHub can sign with <paramref name="algorithm"/>.</summary>
    public static bool IsSupported(string? algorithm) =>
        algorithm is SsfConstants.Algorithms.ES256 or SsfConstants.Algorithms.RS256;

    /// <summary>Generates a key and returns it ready to store, its private half encrypted.</summary>
    public static SigningKeyRecord Generate(string tenantId, string algorithm, ISecretProtector protector, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(protector);
        return algorithm switch
        {
            SsfConstants.Algorithms.ES256 => GenerateEc(tenantId, protector, now),
            SsfConstants.Algorithms.RS256 => GenerateRsa(tenantId, protector, now),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unsupported signing algorithm."),
        };
    }

    private static SigningKeyRecord GenerateEc(string tenantId, ISecretProtector protector, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        var x = Base64Url.EncodeToString(parameters.Q.X);
        var y = Base64Url.EncodeToString(parameters.Q.Y);

        var kid = JwkThumbprint.ForEc(x, y);
        var jwk = WriteJwk(writer =>
        {
            writer.WriteString("kty", "EC");
            writer.WriteString("crv", "P-256");
            writer.WriteString("x", x);
            writer.WriteString("y", y);
        }, kid, SsfConstants.Algorithms.ES256);

        return Seal(tenantId, kid, SsfConstants.Algorithms.ES256, jwk, key.ExportPkcs8PrivateKey(), protector, now);
    }

    private static SigningKeyRecord GenerateRsa(string tenantId, ISecretProtector protector, DateTimeOffset now)
    {
        using var key = RSA.Create(RsaKeySize);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        var n = Base64Url.EncodeToString(parameters.Modulus);
        var e = Base64Url.EncodeToString(parameters.Exponent);

        var kid = JwkThumbprint.ForRsa(n, e);
        var jwk = WriteJwk(writer =>
        {
            writer.WriteString("kty", "RSA");
            writer.WriteString("n", n);
            writer.WriteString("e", e);
        }, kid, SsfConstants.Algorithms.RS256);

        return Seal(tenantId, kid, SsfConstants.Algorithms.RS256, jwk, key.ExportPkcs8PrivateKey(), protector, now);
    }

    private static SigningKeyRecord Seal(
        string tenantId, string kid, string algorithm, string jwk, byte[] pkcs8, ISecretProtector protector, DateTimeOffset now)
    {
        try
        {
            var sealedKey = protector.Protect(pkcs8, SigningKeyRecord.Purpose(tenantId, kid));
            return new SigningKeyRecord(tenantId, kid, algorithm, jwk, sealedKey, now, RetiredAt: null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static string WriteJwk(Action<Utf8JsonWriter> writeKey, string kid, string algorithm)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, JsonWriterDefaults.Options))
        {
            writer.WriteStartObject();
            writeKey(writer);
            writer.WriteString("kid", kid);
            writer.WriteString("use", "sig");
            writer.WriteString("alg", algorithm);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
