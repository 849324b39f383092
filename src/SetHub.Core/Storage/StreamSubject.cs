namespace SetHub.Core.Storage;

/// <summary>
/// A subject row of a stream. For a stream with <c>default_subjects</c> NONE the row includes the subject; for ALL it
/// excludes it (the receiver removed it, SSF 1.0 §7.1).
/// </summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="StreamId">The stream.</param>
/// <param name="SubjectKey">Hash of the subject's canonical JSON: the row's identity.</param>
/// <param name="SubjectJson">The subject's canonical JSON.</param>
/// <param name="Included">Whether the row includes (NONE streams) or excludes (ALL streams) the subject.</param>
/// <param name="Verified">The receiver's <c>verified</c> flag (SSF 1.0 §8.1.3.2; true when omitted).</param>
/// <param name="IndexKeys">Hashes of the subject's simple identifiers, for lookup by event subject.</param>
/// <param name="CreatedAt">When the row was written.</param>
public sealed record StreamSubject(
    string TenantId,
    string StreamId,
    string SubjectKey,
    string SubjectJson,
    bool Included,
    bool Verified,
    IReadOnlyList<string> IndexKeys,
    DateTimeOffset CreatedAt);
