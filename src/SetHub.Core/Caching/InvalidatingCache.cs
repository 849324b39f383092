using System.Collections.Concurrent;

namespace SetHub.Core.Caching;

/// <summary>
/// A small read-through cache whose entries belong to a scope. Invalidating a scope bumps its generation; an entry
/// written with an older generation is never returned. A reader takes the generation before it reads the store and
/// writes the entry with it, so a value read before a concurrent invalidation cannot be cached as current. Entries
/// also expire after a time to live, the safety net should an invalidation message be lost. Generations live in a
/// fixed array of stripes indexed by the scope's hash, so memory stays bounded however many scopes come and go; two
/// scopes sharing a stripe only cost each other an extra miss.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class InvalidatingCache<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private const int Stripes = 4096;

    private readonly long[] _generations = new long[Stripes];
    private readonly TimeSpan _timeToLive;
    private readonly int _capacity;
    private readonly TimeProvider _timeProvider;
    private long _everything;

    /// <summary>Creates a cache holding at most <paramref name="capacity"/> entries for <paramref name="timeToLive"/>.</summary>
    public InvalidatingCache(TimeSpan timeToLive, int capacity, TimeProvider timeProvider)
    {
        _timeToLive = timeToLive;
        _capacity = capacity;
        _timeProvider = timeProvider;
    }

    /// <summary>The current generation of <paramref name="scope"/>: take it before reading the store.</summary>
    public (long Scope, long Everything) Generation(string scope) =>
        (Volatile.Read(ref _generations[Stripe(scope)]), Volatile.Read(ref _everything));

    /// <summary>Returns a cached value that is still current.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) &&
            entry.Expires > _timeProvider.GetUtcNow() &&
            entry.Generation == Generation(entry.Scope))
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Caches <paramref name="value"/>, read while <paramref name="generation"/> was current.</summary>
    public void Set(TKey key, string scope, TValue value, (long Scope, long Everything) generation)
    {
        if (_entries.Count >= _capacity)
        {
            _entries.Clear(); // crude, and rare: the working set of a node is far below the capacity
        }

        _entries[key] = new Entry(scope, value, generation, _timeProvider.GetUtcNow() + _timeToLive);
    }

    /// <summary>Makes every entry of <paramref name="scope"/> stale (<see cref="ICacheInvalidation.Everything"/>: all).</summary>
    public void Invalidate(string scope)
    {
        if (scope == ICacheInvalidation.Everything)
        {
            Interlocked.Increment(ref _everything);
            return;
        }

        Interlocked.Increment(ref _generations[Stripe(scope)]);
    }

    private static int Stripe(string scope) => (int)((uint)StringComparer.Ordinal.GetHashCode(scope) % Stripes);

    private sealed record Entry(string Scope, TValue Value, (long Scope, long Everything) Generation, DateTimeOffset Expires);
}
