using System.Data.Common;
using SetHub.Core.Storage;
using static SetHub.Storage.Relational.SetLog.LogStates;

namespace SetHub.Storage.Relational.SetLog;

/// <summary>
/// Runs a batch of SET log operations statement by statement, in order, in the caller's transaction: the portable
/// way (SQLite, where prepared statements in one transaction cost microseconds each: each statement is compiled once
/// per batch, <see cref="BatchStatements"/>). Every write first reads its stream's head with the provider's share
/// lock, and writes only if its epoch is still the stream's epoch.
/// </summary>
internal static class RowByRowLogBatch
{
    private static readonly RowStatement RemoveByPosition = new(
        $"DELETE FROM set_log WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND pos = @pos AND state = {Queued}",
        "@tenant_id", "@stream_id", "@pos");

    private static readonly RowStatement RemoveByJti = new(
        $"DELETE FROM set_log WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND jti = @jti AND state = {Queued}",
        "@tenant_id", "@stream_id", "@jti");

    // Kept for the trace: the state and time, without the token (nothing sends it again).
    private static readonly RowStatement DoneByPosition = new(
        $"""
        UPDATE set_log SET state = @state, done_at = @done_at, attempts = @attempts, token = ''
        WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND pos = @pos AND state = {Queued}
        """,
        "@tenant_id", "@stream_id", "@pos", "@state", "@done_at", "@attempts");

    private static readonly RowStatement DoneByJti = new(
        $"""
        UPDATE set_log SET state = {Acknowledged}, done_at = @done_at, token = ''
        WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND jti = @jti AND state = {Queued}
        """,
        "@tenant_id", "@stream_id", "@jti", "@done_at");

    private static readonly RowStatement PurgeDone = new(
        $"DELETE FROM set_log WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND state IN ({Delivered}, {Acknowledged}) AND done_at < @cutoff",
        "@tenant_id", "@stream_id", "@cutoff");

    private static readonly RowStatement DeadLetter = new(
        $"""
        UPDATE set_log SET state = {Dead}, last_error = @last_error, attempts = @attempts
        WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND pos = @pos AND state = {Queued}
        """,
        "@tenant_id", "@stream_id", "@pos", "@last_error", "@attempts");

    private static readonly RowStatement Redrive = new(
        $"""
        UPDATE set_log SET pos = @pos, state = {Queued}, created_at = @queued_at, queued_at = @queued_at, attempts = 0, last_error = NULL,
            jti = @new_jti, token = @token, reissued_from = jti
        WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND jti = @jti AND state = {Dead}
        """,
        "@tenant_id", "@stream_id", "@pos", "@queued_at", "@new_jti", "@token", "@jti");

    private static readonly RowStatement Append = new(
        $"""
        INSERT INTO set_log (tenant_id, stream_id, pos, jti, token, event_type, is_control, created_at, queued_at, attempts, state, txn)
        VALUES (@tenant_id, @stream_id, @pos, @jti, @token, @event_type, @is_control, @queued_at, @queued_at, 0, {Queued}, @txn)
        ON CONFLICT (tenant_id, stream_id, jti) DO NOTHING
        """,
        "@tenant_id", "@stream_id", "@pos", "@jti", "@token", "@event_type", "@is_control", "@queued_at", "@txn");

    private static readonly RowStatement Expire = new(
        $"""
        UPDATE set_log SET state = {Dead},
            last_error = CASE WHEN last_error IS NULL THEN @error ELSE @error || '; last error: ' || last_error END
        WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND state = {Queued} AND queued_at < @cutoff
        """,
        "@tenant_id", "@stream_id", "@cutoff", "@error");

    private static readonly RowStatement DropEvents = new(
        $"DELETE FROM set_log WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND state = {Queued} AND is_control = @false",
        "@tenant_id", "@stream_id", "@false");

    private static readonly RowStatement UpdateHead = new(
        "UPDATE set_heads SET failures = @failures, next_attempt_at = @next_attempt_at WHERE tenant_id = @tenant_id AND stream_id = @stream_id",
        "@tenant_id", "@stream_id", "@failures", "@next_attempt_at");

    public static async Task ExecuteAsync(
        RelationalDatabase database, DbConnection connection, DbTransaction transaction, IReadOnlyList<LogOperation> operations, CancellationToken cancellationToken)
    {
        await using var statements = new BatchStatements(connection, transaction);
        var readEpoch = new RowStatement(
            $"SELECT epoch FROM set_heads WHERE tenant_id = @tenant_id AND stream_id = @stream_id{database.ForShare}", "@tenant_id", "@stream_id");
        foreach (var operation in operations)
        {
            switch (operation)
            {
                case ClaimOperation claim:
                    claim.Result = await ClaimAsync(connection, transaction, claim, cancellationToken);
                    break;
                case WriteOperation write:
                    await WriteAsync(statements, readEpoch, write, cancellationToken);
                    break;
            }
        }
    }

    private static async Task<LogClaim> ClaimAsync(DbConnection connection, DbTransaction transaction, ClaimOperation claim, CancellationToken cancellationToken)
    {
        var head = await connection.CreateCommand(transaction, """
                INSERT INTO set_heads (tenant_id, stream_id, epoch, owner, failures, next_attempt_at)
                VALUES (@tenant_id, @stream_id, 1, @owner, 0, NULL)
                ON CONFLICT (tenant_id, stream_id) DO UPDATE SET epoch = set_heads.epoch + 1, owner = excluded.owner
                RETURNING epoch, failures, next_attempt_at
                """)
            .WithStream(claim.Stream)
            .With("@owner", claim.Owner)
            .QuerySingleOrDefaultAsync(reader => new LogHead(reader.GetInt64(0), reader.GetInt32(1), reader.GetNullableTime(2)), cancellationToken);
        var window = await ReadAsync(connection, transaction, claim.Stream, afterPosition: long.MinValue, claim.WindowSize + 1, controlOnly: false, cancellationToken);
        var complete = window.Count <= claim.WindowSize;
        return new LogClaim(head!, complete ? window : window.GetRange(0, claim.WindowSize), complete);
    }

    private static async Task WriteAsync(BatchStatements statements, RowStatement readEpoch, WriteOperation operation, CancellationToken cancellationToken)
    {
        var (tenant, streamId) = (operation.Stream.TenantId, operation.Stream.StreamId);
        operation.Duplicates.Clear();
        operation.Fenced = false;
        var epoch = await statements.Bind(readEpoch, tenant, streamId).ExecuteScalarAsync(cancellationToken);
        if (epoch is null or DBNull || Convert.ToInt64(epoch, System.Globalization.CultureInfo.InvariantCulture) != operation.Epoch)
        {
            operation.Fenced = true;
            return;
        }

        var write = operation.Write;
        foreach (var removal in write.Removals)
        {
            await (write.RemovedAt is { } at
                ? statements.Bind(DoneByPosition, tenant, streamId, removal.Position, DoneState(removal.Acknowledged), at.ToDb(), removal.Attempts)
                : statements.Bind(RemoveByPosition, tenant, streamId, removal.Position)).ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var jti in write.RemovalsByJti)
        {
            await (write.RemovedAt is { } at
                ? statements.Bind(DoneByJti, tenant, streamId, jti, at.ToDb())
                : statements.Bind(RemoveByJti, tenant, streamId, jti)).ExecuteNonQueryAsync(cancellationToken);
        }

        if (write.PurgeDoneBefore is { } purgeBefore)
        {
            await statements.Bind(PurgeDone, tenant, streamId, purgeBefore.ToDb()).ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var letter in write.DeadLetters)
        {
            await statements.Bind(DeadLetter, tenant, streamId, letter.Position, letter.Error, letter.Attempts).ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var redrive in write.Redrives)
        {
            await statements.Bind(Redrive, tenant, streamId, redrive.Position, redrive.QueuedAt.ToDb(), redrive.NewJti, redrive.NewToken, redrive.Jti).ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var entry in write.Appends)
        {
            var inserted = await statements.Bind(
                    Append, tenant, streamId, entry.Position, entry.Jti, entry.Token, entry.EventType, entry.IsControl, entry.QueuedAt.ToDb(), entry.Transaction)
                .ExecuteNonQueryAsync(cancellationToken);
            if (inserted == 0)
            {
                operation.Duplicates.Add(entry.Jti);
            }
        }

        if (write.ExpireQueuedBefore is { } cutoff)
        {
            await statements.Bind(Expire, tenant, streamId, cutoff.ToDb(), write.ExpiryError ?? "expired").ExecuteNonQueryAsync(cancellationToken);
        }

        if (write.DropQueuedEvents)
        {
            await statements.Bind(DropEvents, tenant, streamId, false).ExecuteNonQueryAsync(cancellationToken);
        }

        if (write.Head is { } head)
        {
            await statements.Bind(UpdateHead, tenant, streamId, head.Failures, head.NextAttemptAt.ToDb()).ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Reads queued SETs of one stream after a position, in order.</summary>
    public static Task<List<LogEntry>> ReadAsync(
        DbConnection connection, DbTransaction? transaction, StreamKey stream, long afterPosition, int limit, bool controlOnly, CancellationToken cancellationToken) =>
        connection.CreateCommand(transaction, $"""
                SELECT pos, jti, token, event_type, is_control, queued_at, attempts, last_error, txn FROM set_log
                WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND state = {Queued} AND pos > @after{(controlOnly ? " AND is_control = @true" : string.Empty)}
                ORDER BY pos
                LIMIT @limit
                """)
            .WithStream(stream)
            .With("@after", afterPosition)
            .With("@true", true)
            .With("@limit", (long)limit)
            .QueryAsync(ReadEntry, cancellationToken);

    public static LogEntry ReadEntry(DbDataReader reader) => ReadEntry(reader, 0);

    /// <summary>Reads a log entry from the columns pos, jti, token, event_type, is_control, queued_at, attempts,
    /// last_error and txn, in that order from column <paramref name="first"/>.</summary>
    public static LogEntry ReadEntry(DbDataReader reader, int first) => new(
        reader.GetInt64(first),
        reader.GetString(first + 1),
        reader.GetString(first + 2),
        reader.GetString(first + 3),
        reader.GetBoolean(first + 4),
        reader.GetTime(first + 5),
        reader.GetInt32(first + 6),
        reader.GetNullableString(first + 7),
        reader.GetNullableString(first + 8));

    public static DbCommand WithStream(this DbCommand command, StreamKey stream) =>
        command.With("@tenant_id", stream.TenantId).With("@stream_id", stream.StreamId);
}
