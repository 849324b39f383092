using System.Diagnostics;
using SetHub.Bench.Measure;

namespace SetHub.Bench.Hosting;

/// <summary>What a node is started with.</summary>
/// <param name="Name">For logs and the report ("push-sqlite-node0").</param>
/// <param name="Dll">The built SetHub.dll.</param>
/// <param name="Folder">Its working directory (nothing of the hub's lands in the repository).</param>
/// <param name="Port">Its HTTP port on 127.0.0.1.</param>
/// <param name="Settings">Its <c>--Key=Value</c> arguments.</param>
/// <param name="PidFile">Every started process id is appended here, so bench/run.sh can end what a crashed bench
/// left behind.</param>
public sealed record HubNodeSpec(string Name, string Dll, string Folder, int Port, IReadOnlyList<string> Settings, string PidFile);

/// <summary>
/// One SetHub node as a real process: <c>dotnet SetHub.dll --urls http://127.0.0.1:port --Key=Value …</c>, the way
/// an operator runs it. It is up when <c>/readyz</c> answers 200 (its store answers).
/// </summary>
public sealed class HubNode : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly Process _process;

    private HubNode(HubNodeSpec spec, Process process, NodeLog log)
    {
        Spec = spec;
        _process = process;
        Log = log;
        Pid = process.Id;
    }

    public HubNodeSpec Spec { get; }

    public int Pid { get; }

    public NodeLog Log { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Spec.Port}");

    public bool HasExited => _process.HasExited;

    /// <summary>Set when the bench killed the node on purpose.</summary>
    public bool Killed { get; private set; }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static async Task<HubNode> StartAsync(HubNodeSpec spec, HttpClient http, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(spec.Folder);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = spec.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(spec.Dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{spec.Port}");
        foreach (var setting in spec.Settings)
        {
            start.ArgumentList.Add(setting);
        }

        var log = new NodeLog(Path.Combine(spec.Folder, "output.log"));
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        await File.AppendAllTextAsync(spec.PidFile, $"{process.Id}\n", cancellationToken);
        var node = new HubNode(spec, process, log);
        process.OutputDataReceived += (_, line) => log.Append(line.Data);
        process.ErrorDataReceived += (_, line) => log.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node.WaitUntilReadyAsync(http, cancellationToken);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>VmRSS and VmHWM now, or null when the process is gone.</summary>
    public ProcessMemory? Memory() => ProcFs.Memory(Pid);

    /// <summary>SIGKILL: no shutdown, no flushing, like a crash or a lost VM.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            Killed = true;
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Log.Dispose();
    }

    private async Task WaitUntilReadyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Spec.Name} exited with {_process.ExitCode} at start:\n{Log.Tail}");
            }

            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(5));
                using var response = await http.GetAsync(new Uri(BaseAddress, "/readyz"), attempt.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // slow start
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"{Spec.Name} was not ready within {StartTimeout.TotalSeconds} s:\n{Log.Tail}");
    }
}
