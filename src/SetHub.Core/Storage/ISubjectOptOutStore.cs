namespace SetHub.Core.Storage;

/// <summary>A subject that opted out, as stored.</summary>
/// <param name="SubjectKey">The subject's key.</param>
/// <param name="SubjectJson">The subject's canonical JSON.</param>
public sealed record OptedOutSubject(string SubjectKey, string SubjectJson);

/// <summary>
/// Subjects that opted out of every stream of their tenant (RISC 1.0 §2.8). The state only changes together with the
/// SETs that announce the change: see <see cref="SubjectOptOutChange"/>.
/// </summary>
public interface ISubjectOptOutStore
{
    /// <summary>The opted-out subjects of the tenant that share an index key with the given ones: the candidates a
    /// subject can name (see <c>OptOutMatcher</c>).</summary>
    Task<IReadOnlyList<OptedOutSubject>> FindOptOutsAsync(string tenantId, IReadOnlyList<string> indexKeys, CancellationToken cancellationToken = default);
}
