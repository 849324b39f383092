namespace SetHub.Grains;

/// <summary>The names of the grain storage providers grains persist their state with.</summary>
public static class GrainStorageNames
{
    /// <summary>Tenant states: written rarely, and growing with the signing keys a rotation keeps for its grace period
    /// (Azure Blob in AzureStorage mode, which has no 1 MiB entity limit).</summary>
    public const string Tenants = "SetHub.Tenants";

    /// <summary>Stream states: small, fixed-size, written on every configuration change (Azure Table in AzureStorage
    /// mode, the cheapest write the account has).</summary>
    public const string Streams = "SetHub.Streams";
}
