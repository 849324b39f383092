using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace SetHub.Tests.Infrastructure;

/// <summary>Reading a pushed SET's claims without validating it (the cluster tests match SETs to what they published).</summary>
public static class CompactSets
{
    /// <summary>A string claim of the compact SET's payload, or <see langword="null"/> when it has none (the hub's own
    /// control SETs carry no <c>txn</c>).</summary>
    public static string? Claim(string set, string name)
    {
        ArgumentNullException.ThrowIfNull(set);
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(set.Split('.')[1]));
        return payload.RootElement.TryGetProperty(name, out var value) ? value.GetString() : null;
    }
}
