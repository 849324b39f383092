using SetHub.Core.Signing;
using SetHub.Core.Tenants;
using SetHub.Grains.Tenants;

namespace SetHub.Snapshots;

/// <summary>
/// A silo's compiled view of one tenant snapshot: credential lookups, the stream directory with its per-event-type
/// lists of streams that have every subject, and the signing keys. Immutable: a new snapshot makes a new view.
/// </summary>
internal sealed class TenantView
{
    private readonly Dictionary<string, string> _receiversByTokenHash;
    private readonly HashSet<string> _receivers;
    private readonly Dictionary<string, SnapshotStream> _streams;
    private readonly string[][] _eventSets;
    private readonly HashSet<string>[] _eventSetLookup;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SnapshotStream[]> _allSubjectStreamsByType = new(StringComparer.Ordinal);

    public TenantView(TenantSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Version = snapshot.Version;
        Tenant = snapshot.Tenant.ToTenant();
        TokenHash = snapshot.TokenHash;
        _receiversByTokenHash = snapshot.Receivers.ToDictionary(receiver => receiver.TokenHash, receiver => receiver.ReceiverId, StringComparer.Ordinal);
        _receivers = [.. snapshot.Receivers.Select(receiver => receiver.ReceiverId)];
        _streams = snapshot.Streams.ToDictionary(stream => stream.StreamId, StringComparer.Ordinal);
        _eventSets = snapshot.EventSets;
        _eventSetLookup = [.. snapshot.EventSets.Select(set => new HashSet<string>(set, StringComparer.Ordinal))];
        AllSubjectStreams = [.. snapshot.Streams.Where(stream => stream.IncludesAllSubjects && !stream.Disabled)];
        Keys = [.. snapshot.Keys.Select(key => key.ToRecord(snapshot.Tenant.TenantId))];
    }

    /// <summary>The tenant's state version.</summary>
    public string Version { get; }

    /// <summary>The tenant's settings.</summary>
    public Tenant Tenant { get; }

    /// <summary>The tenant token's hash.</summary>
    public string TokenHash { get; }

    /// <summary>The enabled or paused streams that have every subject unless removed.</summary>
    public IReadOnlyList<SnapshotStream> AllSubjectStreams { get; }

    /// <summary>The published keys (the active ones with their encrypted private keys).</summary>
    public IReadOnlyList<SigningKeyRecord> Keys { get; }

    /// <summary>The receiver whose token has this hash, if it is active.</summary>
    public string? FindReceiver(string tokenHash) => _receiversByTokenHash.GetValueOrDefault(tokenHash);

    /// <summary>Whether a receiver is active.</summary>
    public bool HasReceiver(string receiverId) => _receivers.Contains(receiverId);

    /// <summary>A stream of the directory, if any.</summary>
    public SnapshotStream? FindStream(string streamId) => _streams.GetValueOrDefault(streamId);

    /// <summary>Whether the stream gets events of this type (it is in its <c>events_delivered</c>) and is not disabled.</summary>
    public bool Wants(SnapshotStream stream, string eventType)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return !stream.Disabled && _eventSetLookup[stream.EventSet].Contains(eventType);
    }

    /// <summary>The streams with every subject that want this event type: computed once per type and view.</summary>
    public SnapshotStream[] AllSubjectStreamsFor(string eventType) =>
        _allSubjectStreamsByType.GetOrAdd(eventType, type => [.. AllSubjectStreams.Where(stream => _eventSetLookup[stream.EventSet].Contains(type))]);

    /// <summary>The <c>events_delivered</c> list of a stream.</summary>
    public IReadOnlyList<string> EventsOf(SnapshotStream stream) => _eventSets[stream.EventSet];
}
