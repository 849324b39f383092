using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace SetHub.Storage.Relational.Providers;

/// <summary>
/// Orleans' reminder table on the <c>reminders</c> table, one implementation for SQLite and PostgreSQL, holding the
/// reminders of the service named by <see cref="ClusterOptions.ServiceId"/>. Each row carries its grain's position on
/// the hash ring (<see cref="GrainId.GetUniformHashCode"/>), indexed, so a silo reads the reminders of its ring range
/// with one index range scan. The ETag is the row's version.
/// </summary>
public sealed partial class RelationalReminderTable : IReminderTable
{
    private const string Columns = "grain_id, reminder_name, start_at, period_ms, version";

    private readonly RelationalDatabase _database;
    private readonly string _serviceId;
    private readonly ILogger _logger;
    private readonly string _table;

    /// <summary>Creates the reminder table of the configured service.</summary>
    public RelationalReminderTable(RelationalDatabase database, IOptions<ClusterOptions> clusterOptions, ILogger<RelationalReminderTable> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(clusterOptions);
        _database = database;
        _serviceId = clusterOptions.Value.ServiceId;
        _logger = logger;
        _table = database.OrleansTable("reminders");
    }

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {Columns} FROM {_table} WHERE service_id = @service_id AND grain_id = @grain_id",
            command => command.With("@grain_id", grainId.ToString()),
            cancellationToken);

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    /// <summary>
    /// The reminders whose grain hash lies in the ring range (<paramref name="begin"/>, <paramref name="end"/>]:
    /// exclusive of <paramref name="begin"/>, inclusive of <paramref name="end"/>. When <paramref name="begin"/> is not
    /// below <paramref name="end"/> the range wraps around the top of the ring (hash above begin, or at most end), and
    /// <c>begin == end</c> is the whole ring: Orleans' <c>IReminderTable</c> contract and its ring ranges.
    /// </summary>
    public Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken)
    {
        var range = begin < end
            ? "grain_hash > @begin AND grain_hash <= @end"
            : "(grain_hash > @begin OR grain_hash <= @end)";
        return QueryAsync(
            $"SELECT {Columns} FROM {_table} WHERE service_id = @service_id AND {range}",
            command => command.With("@begin", (long)begin).With("@end", (long)end),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    /// <inheritdoc />
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM {_table} WHERE service_id = @service_id AND grain_id = @grain_id AND reminder_name = @reminder_name",
            command => command.With("@grain_id", grainId.ToString()).With("@reminder_name", reminderName),
            cancellationToken);
        return rows.Reminders.Count == 0 ? null : rows.Reminders[0];
    }

    /// <inheritdoc />
    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    /// <inheritdoc />
    public async Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);

        // A new row starts at a random version, not at 1: a reminder removed and registered again must not get back an
        // ETag it had before, or a stale removal holding that old ETag would delete the new registration.
        var firstVersion = Random.Shared.NextInt64(1, 1L << 52);
        var version = await _database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, $"""
                    INSERT INTO {_table} AS r (service_id, grain_id, reminder_name, grain_hash, start_at, period_ms, version)
                    VALUES (@service_id, @grain_id, @reminder_name, @grain_hash, @start_at, @period_ms, @first_version)
                    ON CONFLICT (service_id, grain_id, reminder_name)
                    DO UPDATE SET start_at = excluded.start_at, period_ms = excluded.period_ms, version = r.version + 1
                    RETURNING version
                    """)
                .With("@service_id", _serviceId)
                .With("@grain_id", entry.GrainId.ToString())
                .With("@reminder_name", entry.ReminderName)
                .With("@grain_hash", (long)entry.GrainId.GetUniformHashCode())
                .With("@start_at", OrleansTime.ToUnixMilliseconds(entry.StartAt))
                .With("@period_ms", (long)entry.Period.TotalMilliseconds)
                .With("@first_version", firstVersion)
                .ScalarAsync(cancellationToken),
            cancellationToken);
        var etag = VersionETag.Format(Convert.ToInt64(version, CultureInfo.InvariantCulture));
        entry.ETag = etag;
        return etag;
    }

    /// <inheritdoc />
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    /// <summary>Removes the reminder only if it still has <paramref name="eTag"/>; <see langword="false"/> when it is
    /// gone or was changed since.</summary>
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        if (!VersionETag.TryParse(eTag, out var version))
        {
            return false;
        }

        var removed = await _database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, $"""
                    DELETE FROM {_table}
                    WHERE service_id = @service_id AND grain_id = @grain_id AND reminder_name = @reminder_name AND version = @version
                    """)
                .With("@service_id", _serviceId)
                .With("@grain_id", grainId.ToString())
                .With("@reminder_name", reminderName)
                .With("@version", version)
                .ExecuteAsync(cancellationToken),
            cancellationToken) == 1;
        if (!removed)
        {
            LogRemoveRefused(_logger, grainId.Type, reminderName);
        }

        return removed;
    }

    /// <inheritdoc />
    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    /// <summary>Deletes every reminder of this service (only of this service: the table may hold others).</summary>
    public Task TestOnlyClearTable(CancellationToken cancellationToken) =>
        _database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, $"DELETE FROM {_table} WHERE service_id = @service_id")
                .With("@service_id", _serviceId)
                .ExecuteAsync(cancellationToken),
            cancellationToken);

    private async Task<ReminderTableData> QueryAsync(string sql, Func<DbCommand, DbCommand> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var rows = await parameters(connection.CreateCommand(null, sql).With("@service_id", _serviceId))
            .QueryAsync(
                reader => new ReminderEntry
                {
                    GrainId = GrainId.Parse(reader.GetString(0)),
                    ReminderName = reader.GetString(1),
                    StartAt = OrleansTime.FromUnixMilliseconds(reader.GetInt64(2)),
                    Period = TimeSpan.FromMilliseconds(reader.GetInt64(3)),
                    ETag = VersionETag.Format(reader.GetInt64(4)),
                },
                cancellationToken);
        return new ReminderTableData(rows);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reminder {ReminderName} of a {GrainType} grain was not removed: it is gone or its ETag moved")]
    private static partial void LogRemoveRefused(ILogger logger, GrainType grainType, string reminderName);
}
