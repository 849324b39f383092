using System.Security.Cryptography;
using System.Text;
using SetHub.Core.Security;

namespace SetHub.Core.Tests.Security;

public sealed class MasterKeyRingTests
{
    private static readonly byte[] OldKey = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] NewKey = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void AValueWrittenUnderAPreviousKey_IsRead_AndNewValuesUseTheCurrentKey()
    {
        var before = new MasterKeyRing(OldKey, []);
        var written = before.Protect(Encoding.UTF8.GetBytes("private key"), "tenant/acme/key-1");

        var rotated = new MasterKeyRing(NewKey, [OldKey]);

        Assert.Equal("private key", Encoding.UTF8.GetString(rotated.Unprotect(written, "tenant/acme/key-1")));
        var rewritten = rotated.Protect(Encoding.UTF8.GetBytes("private key"), "tenant/acme/key-1");
        Assert.Equal("private key", Encoding.UTF8.GetString(new MasterKeyRing(NewKey, []).Unprotect(rewritten, "tenant/acme/key-1")));
    }

    [Fact]
    public void AValueUnderAKeyNoLongerConfigured_FailsWithAMessageNamingTheSetting()
    {
        var written = new MasterKeyRing(OldKey, []).Protect(Encoding.UTF8.GetBytes("secret"), "purpose");

        var failure = Assert.Throws<CryptographicException>(() => new MasterKeyRing(NewKey, []).Unprotect(written, "purpose"));

        Assert.Contains("SetHub:MasterKey", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APreviousKey_StillBindsTheValueToItsPurpose()
    {
        var written = new MasterKeyRing(OldKey, []).Protect(Encoding.UTF8.GetBytes("secret"), "stream/a");

        Assert.ThrowsAny<CryptographicException>(() => new MasterKeyRing(NewKey, [OldKey]).Unprotect(written, "stream/b"));
    }
}
