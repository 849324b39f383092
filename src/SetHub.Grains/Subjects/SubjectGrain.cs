using SetHub.Core.Storage;

namespace SetHub.Grains.Subjects;

/// <summary>
/// The subject grain (<see cref="ISubjectGrain"/>): its rows are loaded once per activation and answered from memory,
/// so fan-out asks it without a database read. Writes go to the rows first, then to memory.
/// </summary>
[Orleans.Placement.HashBasedPlacementAttribute]
internal sealed class SubjectGrain(ISubjectStore store) : Grain, ISubjectGrain
{
    private string _tenantId = string.Empty;
    private string _indexKey = string.Empty;
    private Dictionary<(string StreamId, string SubjectKey), SubjectEntry> _streams = [];
    private Dictionary<string, OptOutEntry> _optOuts = new(StringComparer.Ordinal);
    private SubjectLookup _lookup = SubjectLookup.Empty;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var separator = key.IndexOf('/', StringComparison.Ordinal);
        (_tenantId, _indexKey) = (key[..separator], key[(separator + 1)..]);
        var rows = await store.LoadAsync(_tenantId, _indexKey, cancellationToken);
        _streams = rows.Streams.ToDictionary(
            row => (row.StreamId, row.SubjectKey),
            row => new SubjectEntry(row.StreamId, row.SubjectKey, row.SubjectJson, row.Included, row.Verified, row.CreatedAt));
        _optOuts = rows.OptOuts.ToDictionary(row => row.SubjectKey, row => new OptOutEntry(row.SubjectKey, row.SubjectJson, row.CreatedAt), StringComparer.Ordinal);
        Publish();
    }

    public Task<SubjectLookup> Lookup() => Task.FromResult(_lookup);

    public async Task Put(SubjectEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await store.PutStreamSubjectAsync(new StreamSubjectRow(
            _tenantId, _indexKey, entry.StreamId, entry.SubjectKey, entry.SubjectJson, entry.Included, entry.Verified, entry.CreatedAt));
        _streams[(entry.StreamId, entry.SubjectKey)] = entry;
        Publish();
    }

    public async Task Remove(string streamId, string subjectKey)
    {
        await store.DeleteStreamSubjectAsync(_tenantId, _indexKey, streamId, subjectKey);
        if (_streams.Remove((streamId, subjectKey)))
        {
            Publish();
        }
    }

    public async Task RecordOptOut(OptOutEntry optOut, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(optOut);
        if (_optOuts.ContainsKey(optOut.SubjectKey))
        {
            return;
        }

        await store.PutOptOutAsync(new OptOutRow(_tenantId, _indexKey, optOut.SubjectKey, optOut.SubjectJson, at));
        _optOuts[optOut.SubjectKey] = optOut;
        Publish();
    }

    public async Task LiftOptOut(string subjectKey)
    {
        await store.DeleteOptOutAsync(_tenantId, _indexKey, subjectKey);
        if (_optOuts.Remove(subjectKey))
        {
            Publish();
        }
    }

    // Lookups hand out one immutable snapshot, rebuilt on change.
    private void Publish() => _lookup = new SubjectLookup([.. _streams.Values], [.. _optOuts.Values]);
}
