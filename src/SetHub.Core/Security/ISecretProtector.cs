namespace SetHub.Core.Security;

/// <summary>Encrypts secrets at rest: private signing keys and push <c>authorization_header</c>s.</summary>
public interface ISecretProtector
{
    /// <summary>Encrypts <paramref name="plaintext"/>, binding it to <paramref name="purpose"/> (e.g. the row it
    /// belongs to) so a ciphertext copied to another row does not decrypt.</summary>
    byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose);

    /// <summary>Decrypts a value made by <see cref="Protect"/> for the same purpose.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The value was tampered with, made for
    /// another purpose, or encrypted under another master key.</exception>
    byte[] Unprotect(ReadOnlySpan<byte> ciphertext, string purpose);
}
