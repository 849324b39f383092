using System.Text.RegularExpressions;

namespace SetHub.Core.Tenants;

/// <summary>The tenant id rule from the admin API contract.</summary>
public static partial class TenantIds
{
    /// <summary>Whether <paramref name="tenantId"/> is a valid tenant id (<c>^[a-z0-9][a-z0-9-]{0,62}$</c>).</summary>
    public static bool IsValid(string? tenantId) => tenantId is not null && Pattern().IsMatch(tenantId);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex Pattern();
}
