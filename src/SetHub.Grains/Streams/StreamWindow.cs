using SetHub.Core.Storage;

namespace SetHub.Grains.Streams;

/// <summary>
/// The queued SETs a stream grain holds in memory: a prefix of the stream's log, in position order. When the log
/// holds more than fits (<see cref="Capacity"/>), appends go to the log only and the window is refilled from the log
/// as it drains, so a stream with a long backlog costs bounded memory and its SETs still leave in order.
/// </summary>
internal sealed class StreamWindow(int capacity)
{
    private readonly List<PendingSet> _sets = [];
    private readonly Dictionary<string, PendingSet> _byJti = new(StringComparer.Ordinal);

    // Appends that were not kept in memory: started in total, and still committing. A read of the log that began before
    // one of them committed may have missed it, so only a read with none of them in between proves the window complete.
    private long _uncachedStarted;
    private int _uncachedCommitting;

    /// <summary>The most SETs kept in memory by appends.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Whether the window holds every queued SET of the log.</summary>
    public bool IsComplete { get; private set; } = true;

    /// <summary>The highest position held or read so far: refills read after it.</summary>
    public long LastPosition { get; private set; }

    /// <summary>The SETs held, oldest first.</summary>
    public IReadOnlyList<PendingSet> Sets => _sets;

    /// <summary>How many SETs are held.</summary>
    public int Count => _sets.Count;

    /// <summary>Starts from a claim's first read of the log.</summary>
    public void Load(IReadOnlyList<LogEntry> entries, bool isComplete)
    {
        _sets.Clear();
        _byJti.Clear();
        foreach (var entry in entries)
        {
            Add(new PendingSet(entry, commit: null));
        }

        IsComplete = isComplete;
    }

    /// <summary>Whether a SET with this <c>jti</c> is held.</summary>
    public bool TryGet(string jti, out PendingSet set) => _byJti.TryGetValue(jti, out set!);

    /// <summary>Takes an appended SET (committing now) into memory when the window is complete and has room; otherwise
    /// it stays in the log only, to be read in its turn.</summary>
    /// <returns>The held SET, or <see langword="null"/> when it was not kept.</returns>
    public PendingSet? Append(LogEntry entry, Task commit)
    {
        if (IsComplete && _sets.Count < Capacity)
        {
            var set = new PendingSet(entry, commit);
            Add(set);
            return set;
        }

        IsComplete = false;
        _uncachedStarted++;
        _uncachedCommitting++;
        return null;
    }

    /// <summary>An append that was not kept in memory has finished committing (or failed).</summary>
    public void UncachedAppendFinished() => _uncachedCommitting--;

    /// <summary>The marker a refill takes before it reads the log.</summary>
    public long RefillMarker => _uncachedStarted;

    /// <summary>Adds what a refill read (entries after <see cref="LastPosition"/>, in order). The window is complete
    /// again when the read came back short and no append bypassed memory since <paramref name="marker"/>.</summary>
    /// <returns>How many SETs were added.</returns>
    public int Refilled(IReadOnlyList<LogEntry> entries, int limit, long marker)
    {
        var added = 0;
        foreach (var entry in entries)
        {
            if (entry.Position > LastPosition && !_byJti.ContainsKey(entry.Jti))
            {
                Insert(new PendingSet(entry, commit: null));
                LastPosition = entry.Position;
                added++;
            }
        }

        if (entries.Count < limit && _uncachedStarted == marker && _uncachedCommitting == 0)
        {
            IsComplete = true;
        }

        return added;
    }

    /// <summary>
    /// Adds control SETs read from beyond the window (a paused stream whose held backlog fills memory must still send
    /// its verification and stream-updated SETs). They sit in position order; <see cref="LastPosition"/> stays, so the
    /// SETs between are still read in their turn.
    /// </summary>
    public void AddBeyond(IReadOnlyList<LogEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (!_byJti.ContainsKey(entry.Jti))
            {
                Insert(new PendingSet(entry, commit: null));
            }
        }
    }

    /// <summary>Forgets that the window is complete (SETs re-entered the log behind it, e.g. a re-drive).</summary>
    public void MarkIncomplete() => IsComplete = false;

    /// <summary>Removes a held SET.</summary>
    public void Remove(PendingSet set)
    {
        if (_byJti.Remove(set.Entry.Jti))
        {
            var index = IndexOf(set.Position);
            _sets.RemoveAt(index >= 0 ? index : _sets.IndexOf(set));
        }
    }

    /// <summary>Removes every held SET that matches.</summary>
    public void RemoveAll(Predicate<PendingSet> match) => _sets.RemoveAll(set => match(set) && _byJti.Remove(set.Entry.Jti));

    /// <summary>Finds a held SET by position.</summary>
    public PendingSet? Find(long position) => IndexOf(position) is var index and >= 0 ? _sets[index] : null;

    private int IndexOf(long position)
    {
        var (low, high) = (0, _sets.Count - 1);
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var found = _sets[middle].Position;
            if (found == position)
            {
                return middle;
            }

            (low, high) = found < position ? (middle + 1, high) : (low, middle - 1);
        }

        return -1;
    }

    private void Add(PendingSet set)
    {
        Insert(set);
        if (set.Position > LastPosition)
        {
            LastPosition = set.Position;
        }
    }

    // Keeps position order: appends land at the end; SETs read in between land before what was read from beyond.
    private void Insert(PendingSet set)
    {
        var index = _sets.Count;
        while (index > 0 && _sets[index - 1].Position > set.Position)
        {
            index--;
        }

        _sets.Insert(index, set);
        _byJti[set.Entry.Jti] = set;
    }
}
