using SetHub.Core.Storage;
using SetHub.Core.Streams;

namespace SetHub.Core.Caching;

/// <summary>Cached stream reads, for hot paths that tolerate a change made on another node arriving a few
/// milliseconds late (poll lookups, fan-out).</summary>
public interface IStreamCache
{
    /// <summary>Reads a stream, from the cache when it is current.</summary>
    Task<EventStream?> GetCachedStreamAsync(string tenantId, string streamId, CancellationToken cancellationToken = default);

    /// <summary>Reads several streams, from the cache when current.</summary>
    Task<IReadOnlyList<EventStream>> GetCachedStreamsAsync(string tenantId, IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken = default);
}

/// <summary>
/// The stream store, plus a cache of stream configurations by id. Every write through this store invalidates the
/// stream on every node; plain reads (<see cref="GetStreamAsync"/>) always go to the store, so the management API reads
/// its own writes on any node. Only <see cref="IStreamCache"/> reads are cached. Delivery never depends on the cache
/// being current: a paused stream's SETs are held, and a deleted stream's removed, in the store itself, in the same
/// transaction as the change.
/// </summary>
public sealed class CachingStreamStore : IStreamStore, IStreamCache
{
    private readonly IStreamStore _inner;
    private readonly ICacheInvalidation _invalidation;
    private readonly InvalidatingCache<(string, string), EventStream?> _streams;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public CachingStreamStore(IStreamStore inner, ICacheInvalidation invalidation, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(invalidation);
        _inner = inner;
        _invalidation = invalidation;
        _streams = new InvalidatingCache<(string, string), EventStream?>(TimeSpan.FromMinutes(1), 100_000, timeProvider);
        invalidation.Invalidated += _streams.Invalidate;
    }

    /// <inheritdoc />
    public async Task CreateStreamAsync(EventStream stream, IReadOnlyList<QueuedSet>? initialSets = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await _inner.CreateStreamAsync(stream, initialSets, cancellationToken);
        _invalidation.Publish(CacheScopes.Stream(stream.TenantId, stream.StreamId));
    }

    /// <inheritdoc />
    public Task<EventStream?> GetStreamAsync(string tenantId, string streamId, CancellationToken cancellationToken = default) =>
        _inner.GetStreamAsync(tenantId, streamId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventStream>> GetStreamsAsync(string tenantId, IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken = default) =>
        _inner.GetStreamsAsync(tenantId, streamIds, cancellationToken);

    /// <inheritdoc />
    public async Task<EventStream?> GetCachedStreamAsync(string tenantId, string streamId, CancellationToken cancellationToken = default)
    {
        if (_streams.TryGet((tenantId, streamId), out var cached))
        {
            return cached;
        }

        var scope = CacheScopes.Stream(tenantId, streamId);
        var generation = _streams.Generation(scope);
        var stream = await _inner.GetStreamAsync(tenantId, streamId, cancellationToken);
        _streams.Set((tenantId, streamId), scope, stream, generation);
        return stream;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventStream>> GetCachedStreamsAsync(string tenantId, IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamIds);
        var found = new List<EventStream>(streamIds.Count);
        var missing = new List<string>();
        foreach (var streamId in streamIds)
        {
            if (_streams.TryGet((tenantId, streamId), out var cached))
            {
                if (cached is not null)
                {
                    found.Add(cached);
                }
            }
            else
            {
                missing.Add(streamId);
            }
        }

        if (missing.Count > 0)
        {
            var generations = missing.ToDictionary(id => id, id => _streams.Generation(CacheScopes.Stream(tenantId, id)), StringComparer.Ordinal);
            foreach (var stream in await _inner.GetStreamsAsync(tenantId, missing, cancellationToken))
            {
                _streams.Set((tenantId, stream.StreamId), CacheScopes.Stream(tenantId, stream.StreamId), stream, generations[stream.StreamId]);
                found.Add(stream);
            }
        }

        return found;
    }

    /// <inheritdoc />
    public async Task<bool> UpdateStreamAsync(EventStream stream, long expectedVersion, IReadOnlyList<QueuedSet>? controlSets = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var updated = await _inner.UpdateStreamAsync(stream, expectedVersion, controlSets, cancellationToken);

        _invalidation.Publish(CacheScopes.Stream(stream.TenantId, stream.StreamId));
        return updated;
    }

    /// <inheritdoc />
    public async Task<bool> PauseInactiveStreamAsync(EventStream paused, long expectedVersion, QueuedSet announcement, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paused);
        var updated = await _inner.PauseInactiveStreamAsync(paused, expectedVersion, announcement, now, cancellationToken);
        _invalidation.Publish(CacheScopes.Stream(paused.TenantId, paused.StreamId));
        return updated;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteStreamAsync(string tenantId, string streamId, CancellationToken cancellationToken = default)
    {
        var deleted = await _inner.DeleteStreamAsync(tenantId, streamId, cancellationToken);
        _invalidation.Publish(CacheScopes.Stream(tenantId, streamId));
        return deleted;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<EventStream>> ListStreamsAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default) =>
        _inner.ListStreamsAsync(tenantId, receiverId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventStream>> ListTenantStreamsAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _inner.ListTenantStreamsAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventStream>> ListAllSubjectStreamsAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _inner.ListAllSubjectStreamsAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public Task PutSubjectAsync(StreamSubject subject, CancellationToken cancellationToken = default) =>
        _inner.PutSubjectAsync(subject, cancellationToken);

    /// <inheritdoc />
    public Task DeleteSubjectAsync(string tenantId, string streamId, string subjectKey, CancellationToken cancellationToken = default) =>
        _inner.DeleteSubjectAsync(tenantId, streamId, subjectKey, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StreamSubject>> ListSubjectsAsync(string tenantId, string streamId, CancellationToken cancellationToken = default) =>
        _inner.ListSubjectsAsync(tenantId, streamId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StreamSubject>> FindSubjectsAsync(string tenantId, IReadOnlyList<string> indexKeys, CancellationToken cancellationToken = default) =>
        _inner.FindSubjectsAsync(tenantId, indexKeys, cancellationToken);

    /// <inheritdoc />
    public Task TouchAsync(string tenantId, string streamId, DateTimeOffset now, TimeSpan granularity, CancellationToken cancellationToken = default) =>
        _inner.TouchAsync(tenantId, streamId, now, granularity, cancellationToken);

    /// <inheritdoc />
    public Task<DateTimeOffset?> QueueVerificationAsync(QueuedSet verification, DateTimeOffset now, TimeSpan? minInterval, CancellationToken cancellationToken = default) =>
        _inner.QueueVerificationAsync(verification, now, minInterval, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventStream>> ListInactiveStreamsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        _inner.ListInactiveStreamsAsync(now, limit, cancellationToken);
}
