using System.Data.Common;
using System.Reflection;
using SetHub.Storage.Relational;

namespace SetHub.Storage.Tests;

/// <summary>
/// Upgrading a store the engine before Orleans wrote: its tenants, streams and queued SETs are not imported, so a
/// store holding any is refused before anything changes (nothing accepted may be dropped by an upgrade), and one
/// holding none loses only its empty tables.
/// </summary>
public abstract partial class RelationalStoreContractTests
{
    /// <summary>The provider's embedded migrations.</summary>
    protected abstract Assembly MigrationsAssembly { get; }

    /// <summary>The provider's last schema version before the Orleans engine.</summary>
    protected abstract int LastVersionBeforeOrleans { get; }

    /// <summary>A new database on which no migration has run, and what disposes it.</summary>
    protected abstract Task<(RelationalDatabase Database, IAsyncDisposable Owner)> CreateUnmigratedDatabaseAsync();

    [Fact]
    public async Task Upgrade_OfAStoreHoldingTenantsOfTheEngineBeforeOrleans_IsRefused_AndChangesNothing()
    {
        var (database, owner) = await CreateUnmigratedDatabaseAsync();
        await using var _ = owner;
        await new MigrationRunner(database, MigrationsAssembly).RunAsync(LastVersionBeforeOrleans, Cancel);
        await ExecuteAsync(database, "INSERT INTO tenants (tenant_id, default_subjects, created_at, updated_at) VALUES ('acme', 'NONE', 0, 0)");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new MigrationRunner(database, MigrationsAssembly).RunAsync(Cancel));

        Assert.Contains("table 'tenants' has rows", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", refused.Message, StringComparison.Ordinal);
        Assert.Equal(LastVersionBeforeOrleans, await ScalarAsync(database, "SELECT max(version) FROM schema_migrations"));
        Assert.Equal(1, await ScalarAsync(database, "SELECT count(*) FROM tenants"));
    }

    [Fact]
    public async Task Upgrade_OfAnEmptyStoreOfTheEngineBeforeOrleans_DropsItsTables()
    {
        var (database, owner) = await CreateUnmigratedDatabaseAsync();
        await using var _ = owner;
        await new MigrationRunner(database, MigrationsAssembly).RunAsync(LastVersionBeforeOrleans, Cancel);

        Assert.True(await new MigrationRunner(database, MigrationsAssembly).RunAsync(Cancel) > 0);

        await Assert.ThrowsAnyAsync<DbException>(() => ScalarAsync(database, "SELECT count(*) FROM tenants"));
        Assert.Equal(0, await ScalarAsync(database, "SELECT count(*) FROM set_log"));
    }

    private static Task<int> ExecuteAsync(RelationalDatabase database, string sql) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                return await command.ExecuteNonQueryAsync(Cancel);
            },
            Cancel);

    private static async Task<long> ScalarAsync(RelationalDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(Cancel), System.Globalization.CultureInfo.InvariantCulture);
    }
}
