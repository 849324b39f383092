using SetHub.Core.Storage;

namespace SetHub.Core.Streams;

/// <summary>Receiver activity bookkeeping for SSF 1.0 §8.1.1 <c>inactivity_timeout</c>.</summary>
internal static class StreamActivity
{
    private static readonly TimeSpan MaxGranularity = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Restarts the stream's inactivity clock. Streams without a timeout cost nothing; others are written at most once
    /// per tenth of their timeout (and at least once a minute), so a busy poller does not write on every poll.
    /// </summary>
    public static Task RecordAsync(IStreamStore streams, EventStream stream, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (stream.InactivityTimeout is not { } timeout)
        {
            return Task.CompletedTask;
        }

        var granularity = timeout / 10 < MaxGranularity ? timeout / 10 : MaxGranularity;
        return streams.TouchAsync(stream.TenantId, stream.StreamId, now, granularity, cancellationToken);
    }
}
