using SetHub.Grains.Tenants;

namespace SetHub.Snapshots;

/// <summary>
/// A silo's compiled view of a tenant's stream directory: streams by id, and per event type the streams that have
/// every subject. Immutable: a new directory makes a new view.
/// </summary>
internal sealed class TenantDirectoryView
{
    private readonly Dictionary<string, SnapshotStream> _streams;
    private readonly HashSet<string>[] _eventSetLookup;
    private readonly SnapshotStream[] _allSubjectStreams;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SnapshotStream[]> _allSubjectStreamsByType = new(StringComparer.Ordinal);

    public TenantDirectoryView(TenantDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        _streams = directory.Streams.ToDictionary(stream => stream.StreamId, StringComparer.Ordinal);
        _eventSetLookup = [.. directory.EventSets.Select(set => new HashSet<string>(set, StringComparer.Ordinal))];
        _allSubjectStreams = [.. directory.Streams.Where(stream => stream.IncludesAllSubjects && !stream.Disabled)];
    }

    /// <summary>A stream of the directory, if any.</summary>
    public SnapshotStream? FindStream(string streamId) => _streams.GetValueOrDefault(streamId);

    /// <summary>Whether the stream gets events of this type (it is in its <c>events_delivered</c>) and is not disabled.</summary>
    public bool Wants(SnapshotStream stream, string eventType)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return !stream.Disabled && _eventSetLookup[stream.EventSet].Contains(eventType);
    }

    /// <summary>The enabled or paused streams with every subject that want this event type: computed once per type and view.</summary>
    public SnapshotStream[] AllSubjectStreamsFor(string eventType) =>
        _allSubjectStreamsByType.GetOrAdd(eventType, type => [.. _allSubjectStreams.Where(stream => _eventSetLookup[stream.EventSet].Contains(type))]);
}
