namespace SetHub.Configuration;

/// <summary>Which store SetHub uses.</summary>
public enum StorageProvider
{
    /// <summary>The embedded SQLite file: one node.</summary>
    Sqlite,

    /// <summary>PostgreSQL: a cluster of stateless nodes.</summary>
    Postgres,

    /// <summary>An Azure Storage account (Azurite locally): a cluster of stateless nodes in Azure.</summary>
    AzureStorage,
}

/// <summary>Storage settings (<c>SetHub:Storage</c>); the connection string is <c>ConnectionStrings:SetHub</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SetHub:Storage";

    /// <summary>The connection string name (<c>ConnectionStrings:SetHub</c>).</summary>
    public const string ConnectionStringName = "SetHub";

    /// <summary>The default connection string: a SQLite file under <c>./data</c>.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/sethub.db";

    /// <summary><c>Sqlite</c> (default), <c>Postgres</c> or <c>AzureStorage</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>With <c>AzureStorage</c>: what every table and container name starts with, so several deployments can
    /// share one account (a lowercase letter, then up to 19 lowercase letters or digits). Default: <c>sethub</c>.</summary>
    public string NamePrefix { get; set; } = "sethub";

    /// <summary>Whether the nodes form a cluster through the store (every provider but SQLite).</summary>
    public bool IsCluster => Provider != StorageProvider.Sqlite;
}
