using SetHub.Core.Streams;

namespace SetHub.Core.Storage;

/// <summary>Streams and their subjects. Every change to one stream is one short transaction.</summary>
public interface IStreamStore
{
    /// <summary>Creates a stream, queuing <paramref name="initialSets"/> (its first verification) in the same
    /// transaction, so a stream never exists without them.</summary>
    Task CreateStreamAsync(EventStream stream, IReadOnlyList<QueuedSet>? initialSets = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a stream as stored (never from a cache: see <see cref="Caching.IStreamCache"/> for that).</summary>
    Task<EventStream?> GetStreamAsync(string tenantId, string streamId, CancellationToken cancellationToken = default);

    /// <summary>Lists a receiver's streams, oldest first.</summary>
    Task<IReadOnlyList<EventStream>> ListStreamsAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a changed stream if its stored version is still <paramref name="expectedVersion"/>; the stored version
    /// becomes <paramref name="expectedVersion"/> + 1. In the same transaction the stream's queued SETs follow it:
    /// disabled drops the non-control ones (SSF 1.0 §8.1.2.1: a disabled stream holds nothing), paused holds them,
    /// enabled releases them into the lane of its delivery method. <paramref name="controlSets"/> (stream-updated
    /// SETs) are queued in that transaction too, so the status change and its announcement are one fact.
    /// </summary>
    /// <returns><see langword="false"/> when the stream changed or vanished meanwhile (nothing is written).</returns>
    Task<bool> UpdateStreamAsync(EventStream stream, long expectedVersion, IReadOnlyList<QueuedSet>? controlSets = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pauses an inactive stream like <see cref="UpdateStreamAsync"/>, queuing its stream-updated SET
    /// <paramref name="announcement"/>, but only if its receiver has still shown no activity within its
    /// <c>inactivity_timeout</c> at <paramref name="now"/>: a poll that arrives between finding the stream and pausing it wins.
    /// </summary>
    /// <returns><see langword="false"/> when the stream changed, vanished or became active meanwhile (nothing is written).</returns>
    Task<bool> PauseInactiveStreamAsync(EventStream paused, long expectedVersion, QueuedSet announcement, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Reads several streams of one tenant; missing ids are skipped.</summary>
    Task<IReadOnlyList<EventStream>> GetStreamsAsync(string tenantId, IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken = default);

    /// <summary>Lists every stream of a tenant, oldest first.</summary>
    Task<IReadOnlyList<EventStream>> ListTenantStreamsAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>The tenant's streams that include every subject (<c>default_subjects</c> ALL) and are not disabled.</summary>
    Task<IReadOnlyList<EventStream>> ListAllSubjectStreamsAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Subject rows (of any stream of the tenant) sharing an index key with the given ones.</summary>
    Task<IReadOnlyList<StreamSubject>> FindSubjectsAsync(string tenantId, IReadOnlyList<string> indexKeys, CancellationToken cancellationToken = default);

    /// <summary>Records receiver activity on a stream (SSF 1.0 §8.1.1 <c>inactivity_timeout</c>), at most once per
    /// <paramref name="granularity"/> to spare writes.</summary>
    Task TouchAsync(string tenantId, string streamId, DateTimeOffset now, TimeSpan granularity, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues a receiver-requested verification SET (SSF 1.0 §8.1.4.2), if the stream's last one was at least
    /// <paramref name="minInterval"/> ago (SSF 1.0 §8.1.1 <c>min_verification_interval</c>; <see langword="null"/>: no
    /// limit). The reservation and the SET are one transaction: of two racing requests one wins, and a request that
    /// fails uses up nothing.
    /// </summary>
    /// <returns><see langword="null"/> when queued (or the stream is gone); otherwise the earliest time a
    /// verification will be accepted.</returns>
    Task<DateTimeOffset?> QueueVerificationAsync(QueuedSet verification, DateTimeOffset now, TimeSpan? minInterval, CancellationToken cancellationToken = default);

    /// <summary>Enabled streams whose receiver has been inactive longer than their <c>inactivity_timeout</c>.</summary>
    Task<IReadOnlyList<EventStream>> ListInactiveStreamsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes a stream, its subjects and its queued SETs.</summary>
    /// <returns><see langword="false"/> when there was no such stream.</returns>
    Task<bool> DeleteStreamAsync(string tenantId, string streamId, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces a subject row.</summary>
    Task PutSubjectAsync(StreamSubject subject, CancellationToken cancellationToken = default);

    /// <summary>Deletes a subject row; a missing row is not an error.</summary>
    Task DeleteSubjectAsync(string tenantId, string streamId, string subjectKey, CancellationToken cancellationToken = default);

    /// <summary>Lists a stream's subject rows.</summary>
    Task<IReadOnlyList<StreamSubject>> ListSubjectsAsync(string tenantId, string streamId, CancellationToken cancellationToken = default);
}
