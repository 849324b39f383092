namespace SetHub.Configuration;

/// <summary>Which store SetHub uses.</summary>
public enum StorageProvider
{
    /// <summary>The embedded SQLite file: one node.</summary>
    Sqlite,

    /// <summary>PostgreSQL: a cluster of stateless nodes.</summary>
    Postgres,
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

    /// <summary><c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;
}
