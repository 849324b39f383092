using System.Diagnostics;
using SetHub.Bench.Api;
using SetHub.Bench.Measure;

namespace SetHub.Bench.Scenarios;

/// <summary>
/// One receiver loop per poll stream (RFC 8936 §2.4): long polls for up to <c>maxEvents</c> SETs, acknowledging the
/// previous answer's SETs in each request. Every SET counts as delivered when its answer arrives and as acknowledged
/// when the request carrying its ack is answered.
/// </summary>
public sealed class Pollers(HttpClient http, IReadOnlyList<StreamInfo> streams, DeliveryLedger ledger, int maxEvents) : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly List<string>[] _pending = [.. streams.Select(_ => new List<string>())];
    private Task? _running;
    private long _errors;

    /// <summary>Poll requests that failed (not 200): each is retried.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Starts polling; <paramref name="initialAcks"/> are acknowledged in each stream's first request.</summary>
    public void Start(IReadOnlyList<IReadOnlyList<string>>? initialAcks = null)
    {
        for (var i = 0; i < streams.Count; i++)
        {
            _pending[i].AddRange(initialAcks?[i] ?? []);
        }

        _running = Task.WhenAll(streams.Select((_, i) => Task.Run(() => LoopAsync(i))));
    }

    /// <summary>
    /// Stops once nothing is outstanding: a waiting long poll is then cut (it can hold nothing; a poll cut while its
    /// answer carried SETs would leave them in flight until redelivery), and every stream's last SETs are
    /// acknowledged with one immediate request.
    /// </summary>
    public async Task StopAsync()
    {
        await _cancel.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, streams.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            if (_pending[i].Count > 0)
            {
                await PollOnceAsync(i, returnImmediately: true, max: 0, token);
            }
        });
    }

    public void Dispose() => _cancel.Dispose();

    private async Task LoopAsync(int index)
    {
        while (!_cancel.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(index, returnImmediately: false, maxEvents, _cancel.Token);
            }
            catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is HubApiException or HttpRequestException)
            {
                Interlocked.Increment(ref _errors);
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    private async Task PollOnceAsync(int index, bool returnImmediately, int max, CancellationToken cancellationToken)
    {
        var acks = _pending[index].ToArray();
        var answer = await PollClient.PollAsync(http, streams[index], max, returnImmediately, acks, cancellationToken);
        var at = Stopwatch.GetTimestamp();
        ledger.Acknowledge(acks.Length);
        _pending[index].Clear();
        foreach (var (jti, token) in answer.Sets)
        {
            if (SetToken.Read(token) is { } claims)
            {
                ledger.Arrived(index, claims, at);
            }

            _pending[index].Add(jti);
        }
    }
}
