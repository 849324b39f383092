using Azure.Core;
using SetHub.Storage.AzureStorage;

namespace SetHub.Storage.Tests;

/// <summary>The AzureStorage mode's connection strings and names (no storage needed).</summary>
public sealed class AzureStorageAccountTests
{
    [Theory]
    [InlineData("")]
    [InlineData("Sethub")]
    [InlineData("1sethub")]
    [InlineData("set-hub")]
    [InlineData("abcdefghijklmnopqrstu")]
    public void NamePrefixes_ThatCannotStartATableOrContainerName_AreRefused(string prefix) =>
        Assert.Throws<ArgumentException>(() => AzureStorageAccount.Connect("UseDevelopmentStorage=true", prefix));

    [Fact]
    public void AConnectionStringWithoutCredentialOrEndpoints_IsRefusedWithAClearMessage()
    {
        var failure = Assert.Throws<ArgumentException>(() => AzureStorageAccount.Connect("DefaultEndpointsProtocol=https", "sethub"));
        Assert.Contains("TableEndpoint", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EndpointsWithoutACredential_SignInWithTheGivenCredential_AtThoseEndpoints()
    {
        var account = AzureStorageAccount.Connect(
            "TableEndpoint=https://acct.table.core.windows.net/;BlobEndpoint=https://acct.blob.core.windows.net/", "sethub", new NoCredential());

        Assert.Equal("acct.table.core.windows.net", account.Tables.Uri.Host);
        Assert.Equal("acct.blob.core.windows.net", account.Blobs.Uri.Host);
        Assert.Equal("sethubsetlog", account.Names.SetLog);
        Assert.Equal("sethub-tenantstate", account.Names.TenantStates);
    }

    [Fact]
    public void AnAccountNameAlone_MeansThePublicCloudsEndpoints()
    {
        var account = AzureStorageAccount.Connect("AccountName=acct", "sethub", new NoCredential());

        Assert.Equal(new Uri("https://acct.table.core.windows.net/"), account.Tables.Uri);
        Assert.Equal(new Uri("https://acct.blob.core.windows.net/"), account.Blobs.Uri);
    }

    [Fact]
    public void TheDevelopmentStorageShortcut_IsAzurite()
    {
        var account = AzureStorageAccount.Connect("UseDevelopmentStorage=true", "sethub");

        Assert.Equal("127.0.0.1", account.Tables.Uri.Host);
        Assert.Equal("devstoreaccount1", account.Tables.AccountName);
    }

    private sealed class NoCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No request is made in these tests.");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No request is made in these tests.");
    }
}
