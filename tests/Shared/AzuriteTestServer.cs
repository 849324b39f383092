namespace SetHub.Tests.Shared;

/// <summary>
/// The throwaway Azurite (Azure Storage emulator) test.sh starts (<c>SETHUB_TEST_AZURITE</c>). A test that needs it
/// fails when CI is set and the emulator is missing, and is reported as skipped (never passed) elsewhere.
/// </summary>
public static class AzuriteTestServer
{
    private const string ConnectionVariable = "SETHUB_TEST_AZURITE";

    /// <summary>The emulator's connection string (explicit endpoints); fails or skips the test without one.</summary>
    public static string RequireConnectionString()
    {
        var connectionString = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrEmpty(connectionString))
        {
            return connectionString;
        }

        var message = $"Azurite is not available: {ConnectionVariable} is not set. Run ./test.sh, which starts a throwaway Azurite.";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
        return string.Empty;
    }

    /// <summary>A name prefix no other test uses: every test's tables and containers stay apart on the one account.</summary>
    public static string NewPrefix() => $"t{Guid.NewGuid():N}"[..12];
}
