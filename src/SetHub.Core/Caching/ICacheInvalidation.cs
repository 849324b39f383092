namespace SetHub.Core.Caching;

/// <summary>
/// Tells every node that cached data changed. A scope names what changed (<c>stream:{tenant}/{stream}</c>,
/// <c>credentials:{tenant}</c>), or <see cref="Everything"/> when a node may have missed
/// messages (its listener reconnected).
/// </summary>
public interface ICacheInvalidation
{
    /// <summary>Invalidates every scope.</summary>
    const string Everything = "*";

    /// <summary>Raised for every invalidation, local or from another node.</summary>
    event Action<string>? Invalidated;

    /// <summary>Invalidates <paramref name="scope"/> on this node at once and on the others as soon as they hear.</summary>
    void Publish(string scope);
}

/// <summary><see cref="ICacheInvalidation"/> for a single node.</summary>
public sealed class InProcessCacheInvalidation : ICacheInvalidation
{
    /// <inheritdoc />
    public event Action<string>? Invalidated;

    /// <inheritdoc />
    public void Publish(string scope) => Invalidated?.Invoke(scope);
}
