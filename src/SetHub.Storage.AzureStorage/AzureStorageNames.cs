namespace SetHub.Storage.AzureStorage;

/// <summary>The tables and the container of one SetHub deployment, all starting with its prefix.</summary>
public sealed class AzureStorageNames
{
    /// <summary>Names everything after <paramref name="prefix"/> (see <see cref="AzureStorageAccount.IsValidPrefix"/>).</summary>
    public AzureStorageNames(string prefix)
    {
        if (!AzureStorageAccount.IsValidPrefix(prefix))
        {
            throw new ArgumentException($"'{prefix}' cannot start Azure table and container names: use a lowercase letter, then up to 19 lowercase letters or digits.", nameof(prefix));
        }

        Prefix = prefix;
    }

    /// <summary>The prefix.</summary>
    public string Prefix { get; }

    /// <summary>Orleans' cluster membership (Azure Table clustering).</summary>
    public string Membership => Prefix + "membership";

    /// <summary>Orleans' reminders.</summary>
    public string Reminders => Prefix + "reminders";

    /// <summary>Stream grain states (Orleans' Azure Table grain storage).</summary>
    public string StreamStates => Prefix + "streamstate";

    /// <summary>Tenant grain states (Orleans' Azure Blob grain storage).</summary>
    public string TenantStates => Prefix + "-tenantstate";

    /// <summary>The SET logs: a partition per stream.</summary>
    public string SetLog => Prefix + "setlog";

    /// <summary>Which silo last claimed each stream's log (to find the streams a dead silo left).</summary>
    public string LogOwners => Prefix + "setowners";

    /// <summary>Tenants, their receivers and stream directories.</summary>
    public string Directory => Prefix + "directory";

    /// <summary>Stream subjects and opt-outs.</summary>
    public string Subjects => Prefix + "subjects";

    /// <summary>The publish API's Idempotency-Key records.</summary>
    public string IdempotencyKeys => Prefix + "idempotency";

    /// <summary>Hub-wide settings.</summary>
    public string Settings => Prefix + "settings";

    /// <summary>The tables SetHub itself creates (Orleans' providers create theirs).</summary>
    public IReadOnlyList<string> OwnTables => [SetLog, LogOwners, Directory, Subjects, IdempotencyKeys, Settings];
}
