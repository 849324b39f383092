using SetHub.Core.Storage;
using SetHub.Core.Subjects;

namespace SetHub.Core.Events;

/// <summary>RISC 1.0 §2.8 opt-out state of subjects, checked with SSF subject matching.</summary>
public static class SubjectOptOuts
{
    /// <summary>Whether <paramref name="subject"/> falls under a subject that opted out of the tenant's streams.</summary>
    public static async Task<bool> IsOptedOutAsync(ISubjectOptOutStore store, string tenantId, SubjectIdentifier subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var json in await store.FindOptOutsAsync(tenantId, SubjectKeys.IndexKeys(subject), cancellationToken))
        {
            if (SubjectParser.Parse(json) is { IsSuccess: true } optedOut && SubjectMatcher.Matches(optedOut.Value, subject))
            {
                return true;
            }
        }

        return false;
    }
}
