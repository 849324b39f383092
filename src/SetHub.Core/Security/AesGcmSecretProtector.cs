using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SetHub.Core.Security;

/// <summary>
/// AES-256-GCM under one master key. Layout: version (1 byte) · key hint (4 bytes) · nonce (12) · tag (16) ·
/// ciphertext. The purpose string is the associated data. The key hint names the master key, so a value
/// encrypted under a different key fails with a clear message rather than a bare tag mismatch.
/// </summary>
/// <remarks>An <see cref="AesGcm"/> instance is not safe for concurrent use, so each call makes its own; secrets
/// are decrypted rarely (key load, push configuration) and cached by their users.</remarks>
public sealed class AesGcmSecretProtector : ISecretProtector
{
    /// <summary>Master key length in bytes.</summary>
    public const int KeySize = 32;

    private const byte Version = 1;
    private const int HeaderSize = 1 + 4 + NonceSize + TagSize;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _masterKey;
    private readonly uint _keyHint;

    /// <summary>Creates a protector for a 32-byte master key.</summary>
    public AesGcmSecretProtector(ReadOnlySpan<byte> masterKey)
    {
        if (masterKey.Length != KeySize)
        {
            throw new ArgumentException($"The master key must be {KeySize} bytes.", nameof(masterKey));
        }

        _masterKey = masterKey.ToArray();
        _keyHint = BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(masterKey));
    }

    /// <inheritdoc />
    public byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose)
    {
        var output = new byte[HeaderSize + plaintext.Length];
        output[0] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(1, 4), _keyHint);
        var nonce = output.AsSpan(5, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_masterKey, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(HeaderSize), output.AsSpan(5 + NonceSize, TagSize), Encoding.UTF8.GetBytes(purpose));
        return output;
    }

    /// <summary>Whether <paramref name="ciphertext"/> names this protector's master key (a cheap check, before any
    /// decryption).</summary>
    public bool IsKeyOf(ReadOnlySpan<byte> ciphertext) =>
        ciphertext.Length >= HeaderSize && ciphertext[0] == Version && BinaryPrimitives.ReadUInt32BigEndian(ciphertext.Slice(1, 4)) == _keyHint;

    /// <inheritdoc />
    public byte[] Unprotect(ReadOnlySpan<byte> ciphertext, string purpose)
    {
        if (ciphertext.Length < HeaderSize || ciphertext[0] != Version)
        {
            throw new CryptographicException("The protected value is malformed.");
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(ciphertext.Slice(1, 4)) != _keyHint)
        {
            throw new CryptographicException("The protected value was encrypted under a different master key (SetHub:MasterKey).");
        }

        var plaintext = new byte[ciphertext.Length - HeaderSize];
        using var aes = new AesGcm(_masterKey, TagSize);
        aes.Decrypt(
            ciphertext.Slice(5, NonceSize),
            ciphertext[HeaderSize..],
            ciphertext.Slice(5 + NonceSize, TagSize),
            plaintext,
            Encoding.UTF8.GetBytes(purpose));
        return plaintext;
    }
}
