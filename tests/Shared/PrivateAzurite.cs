using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SetHub.Tests.Shared;

/// <summary>
/// An Azurite of one test's own (the binary test.sh installed, <c>SETHUB_TEST_AZURITE_BIN</c>; free loopback ports; a
/// temporary data folder), for tests that freeze the storage and must not disturb the others.
/// </summary>
public sealed class PrivateAzurite : IAsyncDisposable
{
    private const string BinVariable = "SETHUB_TEST_AZURITE_BIN";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly string _data;

    private PrivateAzurite(Process process, string data, string connectionString)
    {
        _process = process;
        _data = data;
        ConnectionString = connectionString;
    }

    /// <summary>Its connection string (the emulator's well-known development account, explicit endpoints).</summary>
    public string ConnectionString { get; }

    /// <summary>Starts one; fails (CI) or skips without the Azurite binary.</summary>
    public static async Task<PrivateAzurite> StartAsync()
    {
        AzuriteTestServer.RequireConnectionString();
        var bin = Environment.GetEnvironmentVariable(BinVariable);
        if (string.IsNullOrEmpty(bin))
        {
            Assert.Fail($"{BinVariable} is not set; run ./test.sh.");
        }

        var data = Path.Combine(Path.GetTempPath(), "sethub-private-azurite-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        int[] ports = [LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free()];
        var start = new ProcessStartInfo(bin!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["--silent", "--disableTelemetry", "--skipApiVersionCheck", "--location", data,
                     "--blobHost", "127.0.0.1", "--blobPort", Text(ports[0]), "--queueHost", "127.0.0.1", "--queuePort", Text(ports[1]),
                     "--tableHost", "127.0.0.1", "--tablePort", Text(ports[2])])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var account = "devstoreaccount1";
        var azurite = new PrivateAzurite(process, data,
            $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={Key};BlobEndpoint=http://127.0.0.1:{ports[0]}/{account};" +
            $"QueueEndpoint=http://127.0.0.1:{ports[1]}/{account};TableEndpoint=http://127.0.0.1:{ports[2]}/{account};");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await ListensAsync(ports[0]) || !await ListensAsync(ports[2]))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await azurite.DisposeAsync();
                Assert.Fail("The private Azurite did not start.");
            }

            await Task.Delay(100);
        }

        return azurite;
    }

    /// <summary>Freezes it (SIGSTOP): connections stay open and nothing answers, like a storage outage.</summary>
    public void Freeze() => Signal("-STOP");

    /// <summary>Wakes it (SIGCONT).</summary>
    public void Thaw() => Signal("-CONT");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Thaw();
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [signal, Text(_process.Id)])!;
        kill.WaitForExit();
    }

    private static async Task<bool> ListensAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
