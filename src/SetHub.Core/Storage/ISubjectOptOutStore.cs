namespace SetHub.Core.Storage;

/// <summary>Subjects that opted out of every stream of their tenant (RISC 1.0 §2.8).</summary>
public interface ISubjectOptOutStore
{
    /// <summary>Records (or clears) a subject's opt-out.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="subjectKey">The subject's key.</param>
    /// <param name="subjectJson">The subject's canonical JSON.</param>
    /// <param name="indexKeys">The subject's index keys.</param>
    /// <param name="optedOut">Whether the subject is now opted out.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task SetOptOutAsync(string tenantId, string subjectKey, string subjectJson, IReadOnlyList<string> indexKeys, bool optedOut, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The canonical JSON of opted-out subjects that share an index key with the given ones.</summary>
    Task<IReadOnlyList<string>> FindOptOutsAsync(string tenantId, IReadOnlyList<string> indexKeys, CancellationToken cancellationToken = default);
}
