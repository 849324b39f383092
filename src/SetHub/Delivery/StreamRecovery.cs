using SetHub.Core.Storage;
using SetHub.Grains.Streams;

namespace SetHub.Delivery;

/// <summary>
/// Wakes, at once, the streams a dead silo was delivering. Each stream's reminder would resume it within its period
/// anyway; this makes a node failure cost seconds, not a reminder period. On every membership change (and at start)
/// the oldest active silo looks up the streams with queued SETs last claimed by a silo that is no longer active, and
/// calls each: it activates elsewhere, claims its log and goes on from what is stored.
/// </summary>
internal sealed partial class StreamRecovery(
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    ISetLog log,
    StreamGrainReferences streamGrains,
    ILogger<StreamRecovery> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private const int MaxConcurrentWakes = 64;

    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(
            nameof(StreamRecovery),
            ServiceLifecycleStage.Active,
            _ =>
            {
                _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
                return Task.CompletedTask;
            },
            async _ =>
            {
                await _stopping.CancelAsync();
                await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            });
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
        {
            var active = snapshot.Members.Values.Where(member => member.Status == SiloStatus.Active).Select(member => member.SiloAddress).ToArray();
            if (active.Length == 0 || !active.Min()!.Equals(silo.SiloAddress))
            {
                continue; // the oldest active silo does it
            }

            try
            {
                var orphans = await log.FindOrphanedAsync([.. active.Select(address => address.ToParsableString())], cancellationToken);
                if (orphans.Count > 0)
                {
                    LogWaking(logger, orphans.Count);
                    await Parallel.ForEachAsync(
                        orphans,
                        new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentWakes, CancellationToken = cancellationToken },
                        async (stream, _) => await WakeAsync(stream));
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Their reminders resume them anyway.
                LogFailed(logger, exception);
            }
        }
    }

    private async Task WakeAsync(StreamKey stream)
    {
        try
        {
            await streamGrains.For(stream).Wake();
        }
        catch (Exception exception)
        {
            LogWakeFailed(logger, stream, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waking {Count} streams whose silo is gone.")]
    private static partial void LogWaking(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for the streams of a dead silo failed; their reminders will resume them.")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not wake stream {Stream}; its reminder will.")]
    private static partial void LogWakeFailed(ILogger logger, StreamKey stream, Exception exception);
}
