namespace SetHub.Configuration;

/// <summary>Hub-wide settings (<c>SetHub</c>).</summary>
public sealed class SetHubOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SetHub";

    /// <summary>The operator bearer token for <c>/admin</c>. Default: generated at first start, kept (hashed) in the
    /// store and logged once.</summary>
    public string? AdminToken { get; set; }

    /// <summary>The absolute base URL issuers and endpoint URLs are built from, e.g. <c>https://sethub.example.com</c>.
    /// Default: the first <c>--urls</c> address. Set it whenever SetHub runs behind a proxy or load balancer.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Base64 of 32 random bytes: the key that encrypts private signing keys and push authorization headers
    /// at rest. Default: generated at first start and kept in the store, which protects nothing against someone who
    /// has the database; set it (from a secret store) in production.</summary>
    public string? MasterKey { get; set; }

    /// <summary>Master keys <see cref="MasterKey"/> replaced (same format): values encrypted under them are still
    /// read, and everything written is encrypted under <see cref="MasterKey"/>. Keep an old key here until nothing
    /// encrypted under it is left (the README's master-key rotation says when). Default: none.</summary>
    public List<string> PreviousMasterKeys { get; set; } = [];
}
