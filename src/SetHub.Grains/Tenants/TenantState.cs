namespace SetHub.Grains.Tenants;

/// <summary>A tenant grain's persisted state. Constant-size: receivers and the stream directory are rows.</summary>
[GenerateSerializer, Alias("SetHub.TenantState")]
public sealed class TenantState
{
    /// <summary>The settings; <see langword="null"/> when there is no tenant.</summary>
    [Id(0)]
    public TenantData? Tenant { get; set; }

    /// <summary>The hash of the tenant token.</summary>
    [Id(1)]
    public string? TokenHash { get; set; }

    /// <summary>The signing keys: active ones and retired ones within the grace period.</summary>
    [Id(2)]
    public List<SigningKeyData> Keys { get; set; } = [];

    /// <summary>Set while the streams' <c>events_delivered</c> are being recomputed after <c>events_supported</c>
    /// changed (R93): a crash half-way resumes the job on the next activation.</summary>
    [Id(3)]
    public bool RecomputePending { get; set; }

    /// <summary>Set while the tenant is being deleted: it no longer exists for any caller, and a crash half-way resumes
    /// the deletion on the next activation.</summary>
    [Id(4)]
    public bool Deleting { get; set; }
}
