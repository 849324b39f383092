using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace SetHub.Storage.Relational;

/// <summary>
/// Applies a provider's embedded, ordered SQL migrations (<c>Migrations/NNNN_name.sql</c>) in one transaction,
/// recording each in <c>schema_migrations</c>. The provider's <see cref="RelationalDatabase.LockForMigrationAsync"/>
/// makes concurrent starts wait, so each migration runs exactly once.
/// </summary>
public sealed partial class MigrationRunner(RelationalDatabase database, Assembly migrationsAssembly)
{
    /// <summary>Applies pending migrations and returns how many ran.</summary>
    public Task<int> RunAsync(CancellationToken cancellationToken = default) =>
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
            foreach (var (version, name, sql) in migrations)
            {
                if (applied.Contains(version))
                {
                    continue;
                }

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
}
