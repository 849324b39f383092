using System.Diagnostics;
using System.Text;
using SetHub.Tests.Shared;

namespace SetHub.Tests.Infrastructure;

/// <summary>
/// A SetHub node as a real child process (the built SetHub.dll run by <c>dotnet</c>), for tests that kill nodes.
/// Its output is kept for the failure message.
/// </summary>
public sealed class SetHubProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SetHubProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a node on <paramref name="port"/> (a free one when 0) and waits until it answers.</summary>
    public static async Task<SetHubProcess> StartAsync(string workingDirectory, IEnumerable<string> settings, int port = 0)
    {
        port = port == 0 ? LoopbackPorts.Free() : port;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SetHub.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");

        // Every node is an Orleans silo: nodes on one host need silo ports of their own.
        start.ArgumentList.Add($"--SetHub:Cluster:SiloPort={LoopbackPorts.Free()}");
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var node = new SetHubProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, line) => node.Append(line.Data);
        process.ErrorDataReceived += (_, line) => node.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await node.WaitUntilHealthyAsync();
        return node;
    }

    /// <summary>Kills the node at once (SIGKILL): no shutdown, no flushing, like a crash.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>Freezes the node (SIGSTOP): it neither runs nor answers, and wakes up (<see cref="Thaw"/>) believing
    /// nothing happened, like a VM paused by its host.</summary>
    public void Freeze() => Signal("-STOP");

    /// <summary>Wakes a frozen node (SIGCONT).</summary>
    public void Thaw() => Signal("-CONT");

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Thaw(); // a frozen process cannot be reaped until it runs again
        }

        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();

        // For a failing cluster test: SETHUB_TEST_NODE_LOGS=<folder> keeps each node's output there.
        if (Environment.GetEnvironmentVariable("SETHUB_TEST_NODE_LOGS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, $"node-{Port}-{DateTime.UtcNow:HHmmss}.log"), Output);
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"SetHub exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync("/healthz", TestContext.Current.CancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                // slow start
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"SetHub did not become healthy within 60 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
