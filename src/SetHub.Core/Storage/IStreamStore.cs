using SetHub.Core.Streams;

namespace SetHub.Core.Storage;

/// <summary>Streams and their subjects. Every change to one stream is one short transaction.</summary>
public interface IStreamStore
{
    /// <summary>Creates a stream.</summary>
    Task CreateStreamAsync(EventStream stream, CancellationToken cancellationToken = default);

    /// <summary>Reads a stream.</summary>
    Task<EventStream?> GetStreamAsync(string tenantId, string streamId, CancellationToken cancellationToken = default);

    /// <summary>Lists a receiver's streams, oldest first.</summary>
    Task<IReadOnlyList<EventStream>> ListStreamsAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default);

    /// <summary>Writes a changed stream if its stored version is still <paramref name="expectedVersion"/>; the stored
    /// version becomes <paramref name="expectedVersion"/> + 1. When the stream becomes disabled, its held non-control
    /// SETs are dropped in the same transaction (SSF 1.0 §8.1.2.1: a disabled stream holds nothing).</summary>
    /// <returns><see langword="false"/> when the stream changed or vanished meanwhile (nothing is written).</returns>
    Task<bool> UpdateStreamAsync(EventStream stream, long expectedVersion, CancellationToken cancellationToken = default);

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
