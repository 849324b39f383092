namespace SetHub.Core.Security;

/// <summary>Ids SetHub generates: stream ids, receiver ids and <c>jti</c>s.</summary>
public static class Identifiers
{
    /// <summary>
    /// A new id: a UUIDv7 in 32 lowercase hex digits. Unique without coordination between nodes (74 random bits
    /// per millisecond), time-ordered for index locality, and made only of RFC 3986 unreserved characters (R95).
    /// </summary>
    public static string New(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString("N");
    }
}
