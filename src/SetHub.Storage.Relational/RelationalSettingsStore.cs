using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary><see cref="ISettingsStore"/> on the <c>settings</c> table.</summary>
public sealed class RelationalSettingsStore(RelationalDatabase database) : ISettingsStore
{
    /// <inheritdoc />
    public async Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.CreateCommand(null, "SELECT value FROM settings WHERE name = @name")
            .With("@name", name)
            .QuerySingleOrDefaultAsync(reader => reader.GetString(0), cancellationToken);
        return row;
    }

    /// <inheritdoc />
    public Task<string> GetOrAddSettingAsync(string name, string value, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.CreateCommand(transaction, "INSERT INTO settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING")
                .With("@name", name)
                .With("@value", value)
                .ExecuteAsync(cancellationToken);
            return (await connection.CreateCommand(transaction, "SELECT value FROM settings WHERE name = @name")
                .With("@name", name)
                .QuerySingleOrDefaultAsync(reader => reader.GetString(0), cancellationToken))!;
        }, cancellationToken);
}
