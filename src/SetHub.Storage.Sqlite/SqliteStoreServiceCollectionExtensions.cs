using Microsoft.Extensions.DependencyInjection;
using SetHub.Core.Storage;
using SetHub.Storage.Relational;

namespace SetHub.Storage.Sqlite;

/// <summary>Registers the embedded SQLite store.</summary>
public static class SqliteStoreServiceCollectionExtensions
{
    /// <summary>Registers every store on the SQLite database named by <paramref name="connectionString"/>.</summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services, string connectionString)
    {
        var database = new SqliteDatabase(connectionString);
        services.AddSingleton(database);
        services.AddSingleton<RelationalDatabase>(database);
        services.AddSingleton<IStoreInitializer>(database);
        return services.AddRelationalStores();
    }
}
