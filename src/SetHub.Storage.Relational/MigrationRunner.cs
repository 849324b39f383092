using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace SetHub.Storage.Relational;

/// <summary>
/// Applies a provider's embedded, ordered SQL migrations (<c>Migrations/NNNN_name.sql</c>) in one transaction,
/// recording each in <c>schema_migrations</c>. The provider's <see cref="RelationalDatabase.LockForMigrationAsync"/>
/// makes concurrent starts wait, so each migration runs exactly once.
/// </summary>
/// <remarks>
/// A migration that would drop data it cannot carry over says so in a line of its own:
/// <c>-- refuse-if-any-rows: table_a, table_b: why</c>. When one of those tables holds a row, nothing is applied and
/// the start fails with a message naming the table and the reason, instead of losing what the table holds.
/// </remarks>
public sealed partial class MigrationRunner(RelationalDatabase database, Assembly migrationsAssembly)
{
    /// <summary>Applies pending migrations and returns how many ran.</summary>
    public Task<int> RunAsync(CancellationToken cancellationToken = default) => RunAsync(int.MaxValue, cancellationToken);

    /// <summary>Applies pending migrations up to and including <paramref name="lastVersion"/> and returns how many
    /// ran (to build a store as an earlier SetHub left it).</summary>
    public Task<int> RunAsync(int lastVersion, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await database.LockForMigrationAsync(connection, transaction, cancellationToken);
            await connection.CreateCommand(transaction, """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version    INTEGER PRIMARY KEY,
                        name       TEXT NOT NULL,
                        applied_at BIGINT NOT NULL
                    )
                    """)
                .ExecuteAsync(cancellationToken);

            var applied = (await connection.CreateCommand(transaction, "SELECT version FROM schema_migrations")
                .QueryAsync(reader => Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), cancellationToken)).ToHashSet();

            // A node older than the schema must not run on it: it would not know what the newer migrations changed.
            var migrations = LoadMigrations().ToArray();
            var known = migrations.Length == 0 ? 0 : migrations[^1].Version;
            if (applied.Count > 0 && applied.Max() > known)
            {
                throw new InvalidOperationException(
                    $"The database schema is at version {applied.Max()}, newer than this SetHub build knows ({known}). Run a newer SetHub.");
            }

            var count = 0;
            foreach (var (version, name, sql) in migrations.Where(migration => !applied.Contains(migration.Version) && migration.Version <= lastVersion))
            {
                // Checked just before the migration runs (earlier ones of this run may create the tables); a refusal
                // rolls back the whole run.
                await RefuseIfDataWouldBeLostAsync(connection, transaction, version, name, sql, cancellationToken);

                // A migration may rewrite large tables: no command timeout.
                var migrate = connection.CreateCommand(transaction, sql);
                migrate.CommandTimeout = 0;
                await migrate.ExecuteAsync(cancellationToken);
                await connection.CreateCommand(transaction, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @applied_at)")
                    .With("@version", version)
                    .With("@name", name)
                    .With("@applied_at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
                    .ExecuteAsync(cancellationToken);
                count++;
            }

            return count;
        }, cancellationToken);

    private static async Task RefuseIfDataWouldBeLostAsync(DbConnection connection, DbTransaction transaction, int version, string name, string sql, CancellationToken cancellationToken)
    {
        foreach (Match refusal in RefuseIfAnyRows().Matches(sql))
        {
            foreach (var table in refusal.Groups["tables"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // Table names come from SetHub's own embedded scripts, never from input.
                var rows = await connection.CreateCommand(transaction, $"SELECT 1 FROM {table} LIMIT 1")
                    .QueryAsync(reader => true, cancellationToken);
                if (rows.Count > 0)
                {
                    throw new InvalidOperationException(
                        $"The store holds data this SetHub build cannot carry over: table '{table}' has rows, and migration {version:0000} ({name}) " +
                        $"would drop it ({refusal.Groups["why"].Value.Trim()}). Nothing was changed. Keep running the earlier SetHub on this store, " +
                        "or start this one on a new store.");
                }
            }
        }
    }

    private IEnumerable<(int Version, string Name, string Sql)> LoadMigrations()
    {
        var migrations = new List<(int, string, string)>();
        foreach (var resource in migrationsAssembly.GetManifestResourceNames())
        {
            var match = MigrationName().Match(resource);
            if (!match.Success)
            {
                continue;
            }

            using var stream = migrationsAssembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add((int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture), match.Groups["name"].Value, reader.ReadToEnd()));
        }

        return migrations.OrderBy(m => m.Item1);
    }

    [GeneratedRegex(@"\.Migrations\.(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();

    [GeneratedRegex(@"^-- refuse-if-any-rows: (?<tables>[a-z0-9_., ]+): (?<why>.+)$", RegexOptions.Multiline)]
    private static partial Regex RefuseIfAnyRows();
}
