using System.Security.Cryptography;
using SetHub.Configuration;

namespace SetHub.Tests.Configuration;

public sealed class SetHubOptionsValidatorTests
{
    private static string Key() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void PreviousMasterKeys_BesideAMasterKey_AreValid()
    {
        var result = new SetHubOptionsValidator().Validate(null, new SetHubOptions { MasterKey = Key(), PreviousMasterKeys = [Key(), Key()] });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void APreviousMasterKey_ThatIsNot32Bytes_IsRefused()
    {
        var result = new SetHubOptionsValidator().Validate(null, new SetHubOptions { MasterKey = Key(), PreviousMasterKeys = ["c2hvcnQ="] });

        Assert.Contains(result.Failures!, failure => failure.Contains("PreviousMasterKeys", StringComparison.Ordinal));
    }

    [Fact]
    public void PreviousMasterKeys_WithoutTheKeyThatReplacedThem_AreRefused()
    {
        var result = new SetHubOptionsValidator().Validate(null, new SetHubOptions { PreviousMasterKeys = [Key()] });

        Assert.Contains(result.Failures!, failure => failure.Contains("needs SetHub:MasterKey", StringComparison.Ordinal));
    }
}
