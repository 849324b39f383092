namespace SetHub.Grains.Tenants;

/// <summary>The parts of a tenant that silos keep snapshots of, each with its own version.</summary>
[Flags]
internal enum TenantParts
{
    /// <summary>Settings, credentials and keys (<see cref="TenantSnapshot"/>).</summary>
    Identity = 1,

    /// <summary>The stream directory (<see cref="TenantDirectory"/>).</summary>
    Directory = 2,
}
