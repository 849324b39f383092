namespace SetHub.Core.Storage;

/// <summary>
/// A subject a stream added (or, on a stream with <c>default_subjects</c> ALL, removed), filed under one of the
/// subject's simple identifiers: a complex or aliases subject has one row per identifier it is made of.
/// </summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="IndexKey">The simple identifier it is filed under (<c>SubjectKeys.IndexKeys</c>).</param>
/// <param name="StreamId">The stream.</param>
/// <param name="SubjectKey">The whole subject's key.</param>
/// <param name="SubjectJson">The whole subject's canonical JSON.</param>
/// <param name="Included">Whether the row includes (NONE streams) or excludes (ALL streams) the subject.</param>
/// <param name="Verified">The receiver's <c>verified</c> flag (SSF 1.0 §8.1.3.2).</param>
/// <param name="CreatedAt">When it was written.</param>
public sealed record StreamSubjectRow(
    string TenantId,
    string IndexKey,
    string StreamId,
    string SubjectKey,
    string SubjectJson,
    bool Included,
    bool Verified,
    DateTimeOffset CreatedAt);

/// <summary>A subject that opted out of every stream of its tenant (RISC 1.0 §2.8), filed under one of its simple
/// identifiers.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="IndexKey">The simple identifier it is filed under.</param>
/// <param name="SubjectKey">The whole subject's key.</param>
/// <param name="SubjectJson">The whole subject's canonical JSON.</param>
/// <param name="CreatedAt">When it opted out.</param>
public sealed record OptOutRow(string TenantId, string IndexKey, string SubjectKey, string SubjectJson, DateTimeOffset CreatedAt);

/// <summary>Everything filed under one simple identifier of a tenant.</summary>
/// <param name="Streams">Stream subject rows.</param>
/// <param name="OptOuts">Opt-outs.</param>
public sealed record SubjectRows(IReadOnlyList<StreamSubjectRow> Streams, IReadOnlyList<OptOutRow> OptOuts);

/// <summary>The rows subject grains own: stream subjects and opt-outs, filed by simple identifier.</summary>
public interface ISubjectStore
{
    /// <summary>Loads what is filed under one identifier.</summary>
    Task<SubjectRows> LoadAsync(string tenantId, string indexKey, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces a stream subject row.</summary>
    Task PutStreamSubjectAsync(StreamSubjectRow row, CancellationToken cancellationToken = default);

    /// <summary>Deletes a stream subject row (filed under one identifier); a missing row is not an error.</summary>
    Task DeleteStreamSubjectAsync(string tenantId, string indexKey, string streamId, string subjectKey, CancellationToken cancellationToken = default);

    /// <summary>Deletes every subject row of a stream, under every identifier (the stream was deleted).</summary>
    Task DeleteStreamSubjectsAsync(string tenantId, string streamId, CancellationToken cancellationToken = default);

    /// <summary>Lists a stream's subjects (one row per subject, whatever it is filed under), oldest first.</summary>
    Task<IReadOnlyList<StreamSubjectRow>> ListStreamSubjectsAsync(string tenantId, string streamId, CancellationToken cancellationToken = default);

    /// <summary>Inserts an opt-out row; an existing one is kept.</summary>
    Task PutOptOutAsync(OptOutRow row, CancellationToken cancellationToken = default);

    /// <summary>Deletes every opt-out row of a tenant, under every identifier (the tenant was deleted).</summary>
    Task DeleteOptOutsAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Deletes an opt-out row; a missing row is not an error.</summary>
    Task DeleteOptOutAsync(string tenantId, string indexKey, string subjectKey, CancellationToken cancellationToken = default);
}
