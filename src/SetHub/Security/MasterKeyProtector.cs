using SetHub.Core.Security;

namespace SetHub.Security;

/// <summary>
/// The hub's <see cref="ISecretProtector"/>. Its key may live in the store, which is only readable once the store is
/// initialised, so it is set at start-up (<see cref="Initialize"/>) before the node serves requests.
/// </summary>
internal sealed class MasterKeyProtector : ISecretProtector
{
    private MasterKeyRing? _inner;

    public void Initialize(byte[] masterKey, IEnumerable<byte[]> previousKeys) => _inner = new MasterKeyRing(masterKey, previousKeys);

    public byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose) => Inner.Protect(plaintext, purpose);

    public byte[] Unprotect(ReadOnlySpan<byte> ciphertext, string purpose) => Inner.Unprotect(ciphertext, purpose);

    private MasterKeyRing Inner =>
        _inner ?? throw new InvalidOperationException("The master key is not loaded yet; SetHub start-up has not finished.");
}
