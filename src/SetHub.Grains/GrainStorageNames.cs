namespace SetHub.Grains;

/// <summary>The names of the grain storage providers grains persist their state with.</summary>
public static class GrainStorageNames
{
    /// <summary>SetHub's grain state: tenants and streams.</summary>
    public const string Default = "SetHub";
}
