using SetHub.Core.Subjects;
using SetHub.Grains.Subjects;
using SetHub.Grains.Tenants;
using SetHub.Snapshots;

namespace SetHub.Publishing;

/// <summary>
/// Which streams an event goes to (SSF 1.0 §8.1.3.1): not disabled, its type in <c>events_delivered</c>, and its
/// subject in the stream — added to it (found under the event subject's identifiers, never by scanning the tenant's
/// streams), or covered by <c>default_subjects</c> ALL and not removed.
/// </summary>
internal static class FanOut
{
    public static IReadOnlyList<SnapshotStream> Targets(TenantDirectoryView view, string eventType, SubjectIdentifier subject, IReadOnlyList<SubjectLookup> lookups)
    {
        HashSet<string>? included = null;
        HashSet<string>? excluded = null;
        foreach (var lookup in lookups)
        {
            foreach (var row in lookup.Streams)
            {
                if (SubjectParser.Parse(row.SubjectJson) is { IsSuccess: true } added && SubjectMatcher.Matches(added.Value, subject))
                {
                    (row.Included ? included ??= new(StringComparer.Ordinal) : excluded ??= new(StringComparer.Ordinal)).Add(row.StreamId);
                }
            }
        }

        var all = view.AllSubjectStreamsFor(eventType);
        var targets = new List<SnapshotStream>(all.Length + (included?.Count ?? 0));
        foreach (var stream in all)
        {
            if (excluded is null || !excluded.Contains(stream.StreamId))
            {
                targets.Add(stream);
            }
        }

        if (included is not null)
        {
            foreach (var streamId in included)
            {
                if (view.FindStream(streamId) is { IncludesAllSubjects: false } stream && view.Wants(stream, eventType))
                {
                    targets.Add(stream);
                }
            }
        }

        return targets;
    }
}
