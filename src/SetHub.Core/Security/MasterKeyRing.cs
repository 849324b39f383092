namespace SetHub.Core.Security;

/// <summary>
/// The current master key and the keys it replaced. New values are encrypted under the current key; a value is
/// decrypted under whichever key its header names, so the master key can be rotated without a moment where stored
/// private keys and push secrets cannot be read: configure the new key, keep the old one among the previous keys until
/// nothing encrypted under it is left, then drop it.
/// </summary>
public sealed class MasterKeyRing : ISecretProtector
{
    private readonly AesGcmSecretProtector _current;
    private readonly AesGcmSecretProtector[] _all;

    /// <summary>Creates the ring from the current key and the previous ones (32 bytes each).</summary>
    public MasterKeyRing(ReadOnlySpan<byte> current, IEnumerable<byte[]> previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        _current = new AesGcmSecretProtector(current);
        _all = [_current, .. previous.Select(key => new AesGcmSecretProtector(key))];
    }

    /// <inheritdoc />
    public byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose) => _current.Protect(plaintext, purpose);

    /// <inheritdoc />
    public byte[] Unprotect(ReadOnlySpan<byte> ciphertext, string purpose)
    {
        foreach (var protector in _all)
        {
            if (protector.IsKeyOf(ciphertext))
            {
                return protector.Unprotect(ciphertext, purpose);
            }
        }

        // Neither the current key nor a previous one: the current key's message names the setting to fix.
        return _current.Unprotect(ciphertext, purpose);
    }
}
