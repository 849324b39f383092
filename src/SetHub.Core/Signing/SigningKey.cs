using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using SetHub.Core.Json;

namespace SetHub.Core.Signing;

/// <summary>
/// A usable signing key: produces compact JWS (RFC 7515 §7.1) with the protected header
/// <c>{"alg", "kid", "typ": "secevent+jwt"}</c> (RFC 8417 §2.3, SSF 1.0 §4.1.1).
/// </summary>
/// <remarks>
/// Safe for concurrent use: <see cref="ECDsa"/> and <see cref="RSA"/> instances are not documented as thread-safe,
/// so each signing call rents one from a small pool. The encoded header is computed once per key.
/// </remarks>
public sealed class SigningKey : IDisposable
{
    // RSA 2048 gives 256 bytes, P-256 gives 64; leave room for RSA keys up to 4096 bits.
    private const int MaxSignatureSize = 512;

    private readonly byte[] _pkcs8;
    private readonly byte[] _encodedHeader;
    private readonly ConcurrentBag<AsymmetricAlgorithm> _pool = [];

    private SigningKey(string keyId, string algorithm, byte[] pkcs8)
    {
        KeyId = keyId;
        Algorithm = algorithm;
        _pkcs8 = pkcs8;
        _encodedHeader = EncodeHeader(algorithm, keyId);
        _pool.Add(CreateAlgorithm()); // fail fast on a corrupt key
    }

    /// <summary>The <c>kid</c>.</summary>
    public string KeyId { get; }

    /// <summary>The JWS <c>alg</c>.</summary>
    public string Algorithm { get; }

    /// <summary>Decrypts a stored key.</summary>
    public static SigningKey Load(SigningKeyRecord record, Security.ISecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(protector);
        var pkcs8 = protector.Unprotect(record.ProtectedPrivateKey, SigningKeyRecord.Purpose(record.TenantId, record.KeyId));
        return new SigningKey(record.KeyId, record.Algorithm, pkcs8);
    }

    /// <summary>Signs a JWS payload (the SET claims as UTF-8 JSON) and returns the compact serialization.</summary>
    public string Sign(ReadOnlySpan<byte> payload)
    {
        var payloadLength = Base64Url.GetEncodedLength(payload.Length);
        var signingInputLength = _encodedHeader.Length + 1 + payloadLength;
        var maxSignatureLength = Base64Url.GetEncodedLength(MaxSignatureSize);
        var buffer = ArrayPool<byte>.Shared.Rent(signingInputLength + 1 + maxSignatureLength);
        var algorithm = Rent();
        try
        {
            _encodedHeader.CopyTo(buffer, 0);
            buffer[_encodedHeader.Length] = (byte)'.';
            Base64Url.EncodeToUtf8(payload, buffer.AsSpan(_encodedHeader.Length + 1, payloadLength));

            Span<byte> signature = stackalloc byte[MaxSignatureSize];
            var signingInput = buffer.AsSpan(0, signingInputLength);
            var signatureLength = algorithm switch
            {
                // .NET's default ECDSA signature format is IEEE P1363 (r || s), which is what JWS needs (RFC 7518 §3.4).
                ECDsa ec => ec.SignData(signingInput, signature, HashAlgorithmName.SHA256),
                RSA rsa => rsa.SignData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                _ => throw new InvalidOperationException("Unexpected key type."),
            };

            buffer[signingInputLength] = (byte)'.';
            var written = Base64Url.EncodeToUtf8(signature[..signatureLength], buffer.AsSpan(signingInputLength + 1));
            return Encoding.ASCII.GetString(buffer, 0, signingInputLength + 1 + written);
        }
        finally
        {
            _pool.Add(algorithm);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        while (_pool.TryTake(out var algorithm))
        {
            algorithm.Dispose();
        }

        CryptographicOperations.ZeroMemory(_pkcs8);
    }

    private AsymmetricAlgorithm Rent() => _pool.TryTake(out var algorithm) ? algorithm : CreateAlgorithm();

    private AsymmetricAlgorithm CreateAlgorithm()
    {
        AsymmetricAlgorithm algorithm = Algorithm switch
        {
            SsfConstants.Algorithms.ES256 => ECDsa.Create(),
            SsfConstants.Algorithms.RS256 => RSA.Create(),
            _ => throw new NotSupportedException($"Unsupported signing algorithm '{Algorithm}'."),
        };
        algorithm.ImportPkcs8PrivateKey(_pkcs8, out _);
        return algorithm;
    }

    private static byte[] EncodeHeader(string algorithm, string keyId)
    {
        var json = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(json, JsonWriterDefaults.Options))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", algorithm);
            writer.WriteString("kid", keyId);
            writer.WriteString("typ", SsfConstants.MediaTypes.SecEventJwtType);
            writer.WriteEndObject();
        }

        return Encoding.ASCII.GetBytes(Base64Url.EncodeToString(json.WrittenSpan));
    }
}
