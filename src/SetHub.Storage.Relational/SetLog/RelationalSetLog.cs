using System.Globalization;
using SetHub.Core.Storage;
using static SetHub.Storage.Relational.SetLog.LogStates;

namespace SetHub.Storage.Relational.SetLog;

/// <summary>
/// <see cref="ISetLog"/> on the <c>set_log</c> and <c>set_heads</c> tables. Claims and writes go through the node's
/// <see cref="LogCommitter"/> (group commit); reads go straight to the database.
/// </summary>
public sealed class RelationalSetLog(RelationalDatabase database, LogCommitter committer) : ISetLog
{

    /// <inheritdoc />
    public Task<LogClaim> ClaimAsync(StreamKey stream, string owner, int windowSize, CancellationToken cancellationToken = default)
    {
        var claim = new ClaimOperation(stream, owner, windowSize);
        committer.Submit(claim);
        return claim.Task;
    }

    /// <inheritdoc />
    public Task<LogWriteResult> WriteAsync(StreamKey stream, long epoch, LogWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var operation = new WriteOperation(stream, epoch, write);
        committer.Submit(operation);
        return operation.Task;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LogEntry>> ReadAsync(StreamKey stream, long afterPosition, int limit, bool controlOnly = false, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await RowByRowLogBatch.ReadAsync(connection, null, stream, afterPosition, limit, controlOnly, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(StreamKey stream, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"""
                SELECT jti, event_type, created_at, queued_at, attempts, last_error, token FROM set_log
                WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND state = {Dead}
                ORDER BY pos
                LIMIT @limit
                """)
            .WithStream(stream)
            .With("@limit", (long)limit)
            .QueryAsync(
                reader => new DeadLetter(reader.GetString(0), reader.GetString(1), reader.GetTime(2), reader.GetTime(3), reader.GetInt32(4), reader.GetNullableString(5), reader.GetString(6)),
                cancellationToken);
    }

    /// <inheritdoc />
    public async Task<LogCounts> CountAsync(StreamKey stream, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.CreateCommand(null, $"""
                SELECT COALESCE(SUM(CASE WHEN state = {Queued} THEN 1 ELSE 0 END), 0),
                       COALESCE(SUM(CASE WHEN state = {Queued} AND is_control = @true THEN 1 ELSE 0 END), 0),
                       COALESCE(SUM(CASE WHEN state = {Dead} THEN 1 ELSE 0 END), 0),
                       MAX(done_at)
                FROM set_log WHERE tenant_id = @tenant_id AND stream_id = @stream_id
                """)
            .WithStream(stream)
            .With("@true", true)
            .QuerySingleOrDefaultAsync(
                reader => new LogCounts(ToInt(reader.GetValue(0)), ToInt(reader.GetValue(1)), ToInt(reader.GetValue(2)), reader.GetNullableTime(3)),
                cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LoggedSet>> FindAsync(string tenantId, string? transaction, string? jti, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"""
                SELECT stream_id, pos, jti, txn, event_type, is_control, state, created_at, done_at, attempts, last_error, reissued_from FROM set_log
                WHERE tenant_id = @tenant_id AND {(transaction is not null ? "txn = @txn" : "jti = @jti")}
                ORDER BY stream_id, pos
                """)
            .With("@tenant_id", tenantId)
            .With("@txn", transaction)
            .With("@jti", jti)
            .QueryAsync(
                reader => new LoggedSet(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetNullableString(3), reader.GetString(4),
                    reader.GetBoolean(5), (LoggedSetState)reader.GetInt32(6), reader.GetTime(7), reader.GetNullableTime(8), reader.GetInt32(9), reader.GetNullableString(10), reader.GetNullableString(11)),
                cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAsync(StreamKey stream, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.CreateCommand(transaction, "DELETE FROM set_heads WHERE tenant_id = @tenant_id AND stream_id = @stream_id")
                .WithStream(stream).ExecuteAsync(cancellationToken);
            await connection.CreateCommand(transaction, "DELETE FROM set_log WHERE tenant_id = @tenant_id AND stream_id = @stream_id")
                .WithStream(stream).ExecuteAsync(cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<StreamKey>> FindOrphanedAsync(IReadOnlyCollection<string> liveOwners, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(liveOwners);
        await using var connection = await database.OpenAsync(cancellationToken);
        var command = connection.CreateCommand(null, $"""
                SELECT h.tenant_id, h.stream_id FROM set_heads h
                WHERE NOT (h.owner {database.InList("@live")})
                  AND EXISTS (SELECT 1 FROM set_log l WHERE l.tenant_id = h.tenant_id AND l.stream_id = h.stream_id AND l.state = {Queued})
                """);
        database.AddList(command, "@live", [.. liveOwners]);
        return await command.QueryAsync(reader => new StreamKey(reader.GetString(0), reader.GetString(1)), cancellationToken);
    }

    private static int ToInt(object value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);
}
