using System.Diagnostics;
using SetHub.Bench.Measure;

namespace SetHub.Bench.Load;

/// <summary>How an open-loop load went: publishes sent, those it had to skip, and how late the generator was.</summary>
/// <param name="Sent">Publishes sent.</param>
/// <param name="Accepted">Publishes answered 202.</param>
/// <param name="Skipped">Publishes not sent because too many were still unanswered (the hub stalled).</param>
/// <param name="Lag">How far behind its schedule the generator sent, in ms: large values mean the generator itself
/// was starved of CPU and the offered rate was not really offered.</param>
public sealed record ScheduleReport(long Sent, long Accepted, long Skipped, Distribution Lag);

/// <summary>What the measured window of an open-loop run saw, after its warm-up.</summary>
/// <param name="Schedule">The whole run, warm-up included.</param>
/// <param name="Counted">How much the counter (SETs delivered or acknowledged) rose within the window.</param>
/// <param name="Cpu">CPU used within the window.</param>
public sealed record MeasuredRun(ScheduleReport Schedule, long Counted, CpuUsage Cpu);

/// <summary>
/// Open-loop load at a fixed rate: each publish is sent at its scheduled time whether or not earlier ones have been
/// answered, so a slow hub meets the full offered rate instead of slowing the generator down (no coordinated
/// omission). Only a hard cap on unanswered publishes protects the bench from a hub that stops answering. With
/// <c>retry</c>, a publish that fails is retried (same txn and body) on the next node.
/// </summary>
public sealed class ScheduledLoad(Publisher publisher, PublishPlan plan, double publishesPerSecond, int maxInFlight, bool retry = false)
{
    private long _inFlight;
    private long _accepted;

    /// <summary>
    /// Runs for <paramref name="warmup"/> then <paramref name="window"/>: the ledger records latency for publishes sent
    /// within the window only, and the counter and CPU are read as the window opens and closes.
    /// </summary>
    public async Task<MeasuredRun> RunMeasuredAsync(
        TimeSpan warmup, TimeSpan window, DeliveryLedger ledger, Func<long> counter, CpuMeter meter, CancellationToken cancellationToken)
    {
        CpuSnapshot? cpu0 = null;
        long count0 = 0;
        var windowStart = Task.Run(async () =>
        {
            await Task.Delay(warmup, cancellationToken);
            ledger.StartLatencyWindow();
            count0 = counter();
            cpu0 = meter.Take();
        }, cancellationToken);
        var schedule = await RunAsync(warmup + window, cancellationToken);
        ledger.EndLatencyWindow();
        await windowStart;
        var (count1, cpu1) = (counter(), meter.Take());
        return new MeasuredRun(schedule, count1 - count0, CpuMeter.Between(cpu0!, cpu1));
    }

    public async Task<ScheduleReport> RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var lag = new Samples();
        var tasks = new List<Task>();
        long sent = 0, skipped = 0, n = 0;
        var start = Stopwatch.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (elapsed >= duration)
            {
                break;
            }

            var due = (long)(elapsed.TotalSeconds * publishesPerSecond);
            for (; n < due; n++)
            {
                if (Interlocked.Read(ref _inFlight) >= maxInFlight)
                {
                    skipped++;
                    continue;
                }

                lag.Add((Stopwatch.GetElapsedTime(start).TotalSeconds - (n / publishesPerSecond)) * 1000);
                var (txn, body) = plan(n);
                Interlocked.Increment(ref _inFlight);
                tasks.Add(SendAsync(txn, body));
                sent++;
            }

            await Task.Delay(1, CancellationToken.None);
        }

        await Task.WhenAll(tasks);
        return new ScheduleReport(sent, Interlocked.Read(ref _accepted), skipped, lag.Summarize());
    }

    private async Task SendAsync(string txn, byte[] body)
    {
        await Task.Yield(); // the scheduler loop must not run the request's synchronous start
        try
        {
            var outcome = await publisher.PublishAsync(txn, body, retry, CancellationToken.None);
            if (outcome.Accepted)
            {
                Interlocked.Increment(ref _accepted);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
