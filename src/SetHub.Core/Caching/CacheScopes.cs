namespace SetHub.Core.Caching;

/// <summary>The invalidation scopes of cached data.</summary>
public static class CacheScopes
{
    /// <summary>One stream's configuration.</summary>
    public static string Stream(string tenantId, string streamId) => $"stream:{tenantId}/{streamId}";

    /// <summary>Every credential (token hash) of one tenant.</summary>
    public static string Credentials(string tenantId) => $"credentials:{tenantId}";

    /// <summary>The active signing keys of one tenant.</summary>
    public static string SigningKeys(string tenantId) => $"keys:{tenantId}";
}
