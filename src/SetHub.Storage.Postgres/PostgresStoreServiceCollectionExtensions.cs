using Microsoft.Extensions.DependencyInjection;
using SetHub.Storage.Relational;

namespace SetHub.Storage.Postgres;

/// <summary>Registers the PostgreSQL store.</summary>
public static class PostgresStoreServiceCollectionExtensions
{
    /// <summary>Registers every store on the PostgreSQL database named by <paramref name="connectionString"/>.</summary>
    public static IServiceCollection AddPostgresStore(this IServiceCollection services, string connectionString) =>
        services.AddRelationalStores(new PostgresDatabase(connectionString));
}
