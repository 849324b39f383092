using SetHub.Core.Delivery;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Core.Tests.Infrastructure;

namespace SetHub.Core.Tests.Delivery;

/// <summary>The push queue of one claimed stream, in memory: what the processor reads, asks and records.</summary>
internal sealed class FakePushQueue : IPushDeliveryStore
{
    public List<PendingSet> Pending { get; } = [];

    public List<PushBatchResult> Releases { get; } = [];

    /// <summary>The jtis the processor asked about before sending, in order.</summary>
    public List<string> Checked { get; } = [];

    /// <summary>Answers <see cref="CanSendAsync"/>; default: yes.</summary>
    public Func<string, bool> CanSend { get; set; } = _ => true;

    /// <summary>How many releases fail (a database blip) before one succeeds.</summary>
    public int FailingReleases { get; set; }

    public Task<IReadOnlyList<ClaimedStream>> ClaimStreamsAsync(string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<PendingSet>> GetPushSetsAsync(string tenantId, string streamId, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PendingSet>>(Pending.Take(max).ToArray());

    public Task<bool> CanSendAsync(ClaimedStream claim, string jti, long streamVersion, DateTimeOffset sendDeadline, CancellationToken cancellationToken = default)
    {
        Checked.Add(jti);
        return Task.FromResult(CanSend(jti));
    }

    public Task<DateTimeOffset?> ReleaseAsync(PushBatchResult result, CancellationToken cancellationToken = default)
    {
        if (FailingReleases > 0)
        {
            FailingReleases--;
            throw new InvalidOperationException("the database is unreachable");
        }

        Releases.Add(result);
        return Task.FromResult(result.RetryAt);
    }

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
}

/// <summary>A receiver that answers from a script, one answer per push, and may take (simulated) time to answer.</summary>
internal sealed class ScriptedTransport(ManualTimeProvider clock) : IPushTransport
{
    private readonly Queue<PushResponse> _answers = new();

    public List<string> Sent { get; } = [];

    /// <summary>How long each answer takes, on the manual clock.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Called before each answer, e.g. to change the world mid-batch.</summary>
    public Action<int>? OnSend { get; set; }

    public ScriptedTransport Answer(params PushResponse[] answers)
    {
        foreach (var answer in answers)
        {
            _answers.Enqueue(answer);
        }

        return this;
    }

    public Task<PushResponse> SendAsync(string endpointUrl, string? authorizationHeader, string token, CancellationToken cancellationToken)
    {
        Sent.Add(token);
        OnSend?.Invoke(Sent.Count);
        clock.Advance(Latency);
        return Task.FromResult(_answers.Count > 0 ? _answers.Dequeue() : new PushResponse(202));
    }
}

/// <summary>A stream store that knows one stream; the processor only ever reads it.</summary>
internal sealed class OneStreamStore(EventStream? stream) : IStreamStore
{
    public Task<EventStream?> GetStreamAsync(string tenantId, string streamId, CancellationToken cancellationToken = default) => Task.FromResult(stream);

    public Task CreateStreamAsync(EventStream stream, IReadOnlyList<QueuedSet>? initialSets = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<EventStream>> ListStreamsAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> UpdateStreamAsync(EventStream stream, long expectedVersion, IReadOnlyList<QueuedSet>? controlSets = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> PauseInactiveStreamAsync(EventStream paused, long expectedVersion, QueuedSet announcement, DateTimeOffset now, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<EventStream>> GetStreamsAsync(string tenantId, IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<EventStream>> ListTenantStreamsAsync(string tenantId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<EventStream>> ListAllSubjectStreamsAsync(string tenantId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<StreamSubject>> FindSubjectsAsync(string tenantId, IReadOnlyList<string> indexKeys, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task TouchAsync(string tenantId, string streamId, DateTimeOffset now, TimeSpan granularity, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<DateTimeOffset?> QueueVerificationAsync(QueuedSet verification, DateTimeOffset now, TimeSpan? minInterval, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<EventStream>> ListInactiveStreamsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> DeleteStreamAsync(string tenantId, string streamId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task PutSubjectAsync(StreamSubject subject, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task DeleteSubjectAsync(string tenantId, string streamId, string subjectKey, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<StreamSubject>> ListSubjectsAsync(string tenantId, string streamId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
