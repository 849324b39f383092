using SetHub.Core.Storage;
using SetHub.Core.Subjects;

namespace SetHub.Core.Events;

/// <summary>RISC 1.0 §2.8 opt-out state of subjects, decided with <see cref="OptOutMatcher"/>.</summary>
public static class SubjectOptOuts
{
    /// <summary>Whether <paramref name="subject"/> names a principal that opted out of the tenant's streams.</summary>
    public static async Task<bool> IsOptedOutAsync(ISubjectOptOutStore store, string tenantId, SubjectIdentifier subject, CancellationToken cancellationToken)
    {
        foreach (var (_, optedOut) in await FindCandidatesAsync(store, tenantId, subject, cancellationToken))
        {
            if (OptOutMatcher.Names(subject, optedOut))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The keys of the tenant's opt-outs that an opt-in about <paramref name="subject"/> ends
    /// (<see cref="OptOutMatcher.Lifts"/>).</summary>
    public static async Task<IReadOnlyList<string>> FindLiftedAsync(ISubjectOptOutStore store, string tenantId, SubjectIdentifier subject, CancellationToken cancellationToken)
    {
        var lifted = new List<string>();
        foreach (var (key, optedOut) in await FindCandidatesAsync(store, tenantId, subject, cancellationToken))
        {
            if (OptOutMatcher.Lifts(subject, optedOut))
            {
                lifted.Add(key);
            }
        }

        return lifted;
    }

    /// <summary>The change that records <paramref name="subject"/>'s opt-out.</summary>
    public static OptOutRecorded Record(string tenantId, SubjectIdentifier subject, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return new OptOutRecorded(tenantId, SubjectKeys.Key(subject), subject.CanonicalJson, SubjectKeys.IndexKeys(subject), now);
    }

    // Both relations imply a shared simple identifier, so the index finds every opt-out that can be named or lifted.
    private static async Task<IReadOnlyList<(string Key, SubjectIdentifier Subject)>> FindCandidatesAsync(
        ISubjectOptOutStore store, string tenantId, SubjectIdentifier subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(subject);
        var candidates = new List<(string, SubjectIdentifier)>();
        foreach (var row in await store.FindOptOutsAsync(tenantId, SubjectKeys.IndexKeys(subject), cancellationToken))
        {
            if (SubjectParser.Parse(row.SubjectJson) is { IsSuccess: true } optedOut)
            {
                candidates.Add((row.SubjectKey, optedOut.Value));
            }
        }

        return candidates;
    }
}
