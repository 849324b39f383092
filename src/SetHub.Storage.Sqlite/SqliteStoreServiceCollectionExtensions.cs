using Microsoft.Extensions.DependencyInjection;
using SetHub.Storage.Relational;

namespace SetHub.Storage.Sqlite;

/// <summary>Registers the embedded SQLite store.</summary>
public static class SqliteStoreServiceCollectionExtensions
{
    /// <summary>Registers every store on the SQLite database named by <paramref name="connectionString"/>.</summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services, string connectionString) =>
        services.AddRelationalStores(new SqliteDatabase(connectionString));
}
