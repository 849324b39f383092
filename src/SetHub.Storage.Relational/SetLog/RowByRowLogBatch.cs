using System.Data.Common;
using SetHub.Core.Storage;

namespace SetHub.Storage.Relational.SetLog;

/// <summary>
/// Runs a batch of SET log operations statement by statement, in order, in the caller's transaction: the portable
/// way (SQLite, where prepared statements in one transaction cost microseconds each). Every write first reads its
/// stream's head with the provider's share lock, and writes only if its epoch is still the stream's epoch.
/// </summary>
internal static class RowByRowLogBatch
{
    private const int Queued = 0;
    private const int Dead = 1;

    public static async Task ExecuteAsync(
        RelationalDatabase database, DbConnection connection, DbTransaction transaction, IReadOnlyList<LogOperation> operations, CancellationToken cancellationToken)
    {
        foreach (var operation in operations)
        {
            switch (operation)
            {
                case ClaimOperation claim:
                    claim.Result = await ClaimAsync(connection, transaction, claim, cancellationToken);
                    break;
                case WriteOperation write:
                    await WriteAsync(database, connection, transaction, write, cancellationToken);
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

    private static async Task WriteAsync(RelationalDatabase database, DbConnection connection, DbTransaction transaction, WriteOperation operation, CancellationToken cancellationToken)
    {
        var stream = operation.Stream;
        operation.Duplicates.Clear();
        operation.Fenced = false;
        var epoch = await connection.CreateCommand(transaction, $"SELECT epoch FROM set_heads WHERE tenant_id = @tenant_id AND stream_id = @stream_id{database.ForShare}")
            .WithStream(stream)
            .ScalarAsync(cancellationToken);
        if (epoch is null || Convert.ToInt64(epoch, System.Globalization.CultureInfo.InvariantCulture) != operation.Epoch)
        {
            operation.Fenced = true;
            return;
        }

        var write = operation.Write;
        foreach (var position in write.Removals)
        {
            await connection.CreateCommand(transaction, $"DELETE FROM set_log WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND pos = @pos AND state = {Queued}")
                .WithStream(stream).With("@pos", position).ExecuteAsync(cancellationToken);
        }

        foreach (var jti in write.RemovalsByJti)
        {
            await connection.CreateCommand(transaction, $"DELETE FROM set_log WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND jti = @jti AND state = {Queued}")
                .WithStream(stream).With("@jti", jti).ExecuteAsync(cancellationToken);
        }

        foreach (var letter in write.DeadLetters)
        {
            await connection.CreateCommand(transaction, $"""
                    UPDATE set_log SET state = {Dead}, last_error = @last_error, attempts = @attempts
                    WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND pos = @pos AND state = {Queued}
                    """)
                .WithStream(stream).With("@pos", letter.Position).With("@last_error", letter.Error).With("@attempts", letter.Attempts)
                .ExecuteAsync(cancellationToken);
        }

        foreach (var redrive in write.Redrives)
        {
            await connection.CreateCommand(transaction, $"""
                    UPDATE set_log SET pos = @pos, state = {Queued}, queued_at = @queued_at, attempts = 0, last_error = NULL
                    WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND jti = @jti AND state = {Dead}
                    """)
                .WithStream(stream).With("@pos", redrive.Position).With("@queued_at", redrive.QueuedAt.ToDb()).With("@jti", redrive.Jti)
                .ExecuteAsync(cancellationToken);
        }

        foreach (var entry in write.Appends)
        {
            var inserted = await connection.CreateCommand(transaction, $"""
                    INSERT INTO set_log (tenant_id, stream_id, pos, jti, token, event_type, is_control, created_at, queued_at, attempts, state)
                    VALUES (@tenant_id, @stream_id, @pos, @jti, @token, @event_type, @is_control, @queued_at, @queued_at, 0, {Queued})
                    ON CONFLICT (tenant_id, stream_id, jti) DO NOTHING
                    """)
                .WithStream(stream).With("@pos", entry.Position).With("@jti", entry.Jti).With("@token", entry.Token)
                .With("@event_type", entry.EventType).With("@is_control", entry.IsControl).With("@queued_at", entry.QueuedAt.ToDb())
                .ExecuteAsync(cancellationToken);
            if (inserted == 0)
            {
                operation.Duplicates.Add(entry.Jti);
            }
        }

        if (write.ExpireQueuedBefore is { } cutoff)
        {
            await connection.CreateCommand(transaction, $"""
                    UPDATE set_log SET state = {Dead},
                        last_error = CASE WHEN last_error IS NULL THEN @error ELSE @error || '; last error: ' || last_error END
                    WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND state = {Queued} AND queued_at < @cutoff
                    """)
                .WithStream(stream).With("@cutoff", cutoff.ToDb()).With("@error", write.ExpiryError ?? "expired")
                .ExecuteAsync(cancellationToken);
        }

        if (write.DropQueuedEvents)
        {
            await connection.CreateCommand(transaction, $"DELETE FROM set_log WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND state = {Queued} AND is_control = @false")
                .WithStream(stream).With("@false", false).ExecuteAsync(cancellationToken);
        }

        if (write.Head is { } head)
        {
            await connection.CreateCommand(transaction, "UPDATE set_heads SET failures = @failures, next_attempt_at = @next_attempt_at WHERE tenant_id = @tenant_id AND stream_id = @stream_id")
                .WithStream(stream).With("@failures", head.Failures).With("@next_attempt_at", head.NextAttemptAt.ToDb())
                .ExecuteAsync(cancellationToken);
        }
    }

    /// <summary>Reads queued SETs of one stream after a position, in order.</summary>
    public static Task<List<LogEntry>> ReadAsync(
        DbConnection connection, DbTransaction? transaction, StreamKey stream, long afterPosition, int limit, bool controlOnly, CancellationToken cancellationToken) =>
        connection.CreateCommand(transaction, $"""
                SELECT pos, jti, token, event_type, is_control, queued_at, attempts, last_error FROM set_log
                WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND state = {Queued} AND pos > @after{(controlOnly ? " AND is_control = @true" : string.Empty)}
                ORDER BY pos
                LIMIT @limit
                """)
            .WithStream(stream)
            .With("@after", afterPosition)
            .With("@true", true)
            .With("@limit", (long)limit)
            .QueryAsync(ReadEntry, cancellationToken);

    public static LogEntry ReadEntry(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetBoolean(4),
        reader.GetTime(5),
        reader.GetInt32(6),
        reader.GetNullableString(7));

    public static DbCommand WithStream(this DbCommand command, StreamKey stream) =>
        command.With("@tenant_id", stream.TenantId).With("@stream_id", stream.StreamId);
}
