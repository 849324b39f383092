using System.Diagnostics;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Configuration;

/// <summary>A node started with a bad setting stops before anything is generated or stored, with one line naming the
/// key and exit code 2; the next good start still shows the one-time operator token.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sethub-startup-tests", Guid.NewGuid().ToString("N"));

    public StartupTests() => Directory.CreateDirectory(_folder);

    [Theory]
    [InlineData("--SetHub:Delivery:RetryBaseDelay=00:00:10", "SetHub:Delivery")]
    [InlineData("--SetHub:Cluster:SiloPort=abc", "SetHub:Cluster:SiloPort")]
    [InlineData("--SetHub:MasterKey=short", "SetHub:MasterKey")]
    public async Task ABadSetting_StopsWithOneLineNamingIt_AndExitCode2_AndTheNextStartShowsTheToken(string setting, string key)
    {
        var (exitCode, output, error) = await RunAsync(setting, "--SetHub:Delivery:MaxRetryDelay=00:00:05");

        Assert.Equal(2, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(key, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Generated the operator token", output, StringComparison.Ordinal);

        await using var node = await SetHubProcess.StartAsync(_folder, []);
        Assert.Contains("Generated the operator token", node.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "SetHub.dll"), "--urls", "http://127.0.0.1:0", .. settings])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
