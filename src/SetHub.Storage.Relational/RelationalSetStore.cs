using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary>
/// <see cref="ISetStore"/> on the <c>sets</c> table: one row per SET per stream, ordered by <c>seq</c>, in a lane
/// (push, poll or held). A poll-lane row is due when <c>due_at</c> has passed; polling moves <c>due_at</c> to the
/// redelivery time, acknowledging deletes the row, and a rejection or expiry dead-letters it (<c>state</c> 1).
/// </summary>
public sealed class RelationalSetStore(RelationalDatabase database) : ISetStore
{
    internal const int Queued = 0;
    internal const int Dead = 1;

    /// <inheritdoc />
    public Task<IReadOnlyList<EnqueuedSet>> EnqueueAsync(IReadOnlyList<QueuedSet> sets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sets);
        return sets.Count == 0
            ? Task.FromResult<IReadOnlyList<EnqueuedSet>>([])
            : database.WriteAsync((connection, transaction) => QueueWriter.EnqueueAsync(database, connection, transaction, sets, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<EnqueuedSet>> EnqueueAsync(IReadOnlyList<QueuedSet> sets, SubjectOptOutChange optOutChange, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentNullException.ThrowIfNull(optOutChange);

        // RISC 1.0 §2.8: the opt-out state and the SETs announcing its change commit together, so neither a dropped
        // client nor a failing statement can leave an announced opt-out unrecorded (or a recorded one unannounced).
        return database.WriteAsync(async (connection, transaction) =>
        {
            await OptOutWriter.ApplyAsync(database, connection, transaction, optOutChange, cancellationToken);
            return await QueueWriter.EnqueueAsync(database, connection, transaction, sets, cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PollBatch> PollAsync(string tenantId, string streamId, PollQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return database.WriteAsync(async (connection, transaction) =>
        {
            // RFC 8936 §2.4: acknowledgements and errors are applied before SETs are selected, so an acknowledged
            // SET is never handed out again.
            if (query.Acks.Count > 0)
            {
                var ack = connection.CreateCommand(transaction, $"""
                        DELETE FROM sets
                        WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND state = {Queued} AND jti {database.InList("@acks")}
                        """)
                    .With("@tenant_id", tenantId)
                    .With("@stream_id", streamId);
                database.AddList(ack, "@acks", query.Acks);
                await ack.ExecuteAsync(cancellationToken);
            }

            foreach (var (jti, error) in query.Errors)
            {
                await connection.CreateCommand(transaction, $"""
                        UPDATE sets SET state = {Dead}, last_error = @last_error
                        WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND jti = @jti AND state = {Queued}
                        """)
                    .With("@tenant_id", tenantId)
                    .With("@stream_id", streamId)
                    .With("@jti", jti)
                    .With("@last_error", error.Description is null ? $"receiver reported {error.Error}" : $"receiver reported {error.Error}: {error.Description}")
                    .ExecuteAsync(cancellationToken);
            }

            // One row more than asked for tells whether more are available (RFC 8936 §2.3 moreAvailable).
            var due = await connection.CreateCommand(transaction, $"""
                    SELECT jti, token FROM sets
                    WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND {QueueWriter.DueForPoll}
                    ORDER BY seq
                    LIMIT @limit{database.ForUpdateSkipLocked}
                    """)
                .With("@tenant_id", tenantId)
                .With("@stream_id", streamId)
                .With("@now", query.Now.ToDb())
                .With("@limit", (long)query.MaxEvents + 1)
                .QueryAsync(reader => new PolledSet(reader.GetString(0), reader.GetString(1)), cancellationToken);

            var moreAvailable = due.Count > query.MaxEvents;
            if (moreAvailable)
            {
                due.RemoveAt(due.Count - 1);
            }

            if (due.Count > 0)
            {
                var markInFlight = connection.CreateCommand(transaction, $"""
                        UPDATE sets SET due_at = @redeliver_at, attempts = attempts + 1
                        WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND jti {database.InList("@jtis")}
                        """)
                    .With("@tenant_id", tenantId)
                    .With("@stream_id", streamId)
                    .With("@redeliver_at", query.RedeliverAt.ToDb());
                database.AddList(markInFlight, "@jtis", due.Select(set => set.Jti).ToArray());
                await markInFlight.ExecuteAsync(cancellationToken);
            }

            return new PollBatch(due, moreAvailable);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> HasDueAsync(string tenantId, string streamId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"""
                SELECT 1 FROM sets
                WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND {QueueWriter.DueForPoll}
                LIMIT 1
                """)
            .With("@tenant_id", tenantId)
            .With("@stream_id", streamId)
            .With("@now", now.ToDb())
            .ScalarAsync(cancellationToken) is not null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(string tenantId, string streamId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"""
                SELECT jti, event_type, created_at, queued_at, attempts, last_error FROM sets
                WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND state = {Dead}
                ORDER BY seq
                LIMIT @limit
                """)
            .With("@tenant_id", tenantId)
            .With("@stream_id", streamId)
            .With("@limit", (long)limit)
            .QueryAsync(
                reader => new DeadLetter(reader.GetString(0), reader.GetString(1), reader.GetTime(2), reader.GetTime(3), reader.GetInt32(4), reader.GetNullableString(5)),
                cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> RedriveAsync(string tenantId, string streamId, IReadOnlyList<string>? jtis, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            // The stream is share-locked first, as publishing does, so a concurrent disable either sees the re-driven
            // SETs (and drops them) or has committed, and then nothing but control SETs comes back (SSF 1.0 §8.1.2.1).
            var status = await connection.CreateCommand(transaction, $"SELECT status FROM streams WHERE tenant_id = @tenant_id AND stream_id = @stream_id{database.ForShare}")
                .With("@tenant_id", tenantId)
                .With("@stream_id", streamId)
                .ScalarAsync(cancellationToken) as string;
            if (status is null)
            {
                return 0;
            }

            var redrive = connection.CreateCommand(transaction, $"""
                    UPDATE sets SET state = {Queued}, queued_at = @now, due_at = @now, attempts = 0, last_error = NULL,
                        lane = (SELECT {QueueWriter.LaneOf("sets.is_control")} FROM streams st
                                WHERE st.tenant_id = sets.tenant_id AND st.stream_id = sets.stream_id)
                    WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND state = {Dead}
                      {(status == "disabled" ? "AND is_control" : string.Empty)}
                      {(jtis is null ? string.Empty : $"AND jti {database.InList("@jtis")}")}
                    """)
                .With("@tenant_id", tenantId)
                .With("@stream_id", streamId)
                .With("@now", now.ToDb());
            if (jtis is not null)
            {
                database.AddList(redrive, "@jtis", jtis);
            }

            var count = await redrive.ExecuteAsync(cancellationToken);
            if (count > 0 && await HasPushWorkAsync(connection, transaction, tenantId, streamId, cancellationToken))
            {
                await database.MarkPushDueAsync(connection, transaction, [(tenantId, streamId)], now, resetBackoff: true, cancellationToken);
            }

            return count;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> ExpireAsync(DateTimeOffset queuedBefore, int limit, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, $"""
                    UPDATE sets SET state = {Dead}, last_error = CASE
                        WHEN last_error IS NULL THEN 'expired: not delivered within the maximum delivery age'
                        ELSE 'expired: not delivered within the maximum delivery age; last error: ' || last_error END
                    WHERE state = {Queued} AND (tenant_id, stream_id, seq) IN (
                        SELECT tenant_id, stream_id, seq FROM sets WHERE state = {Queued} AND queued_at < @cutoff ORDER BY queued_at
                        LIMIT @limit{database.ForUpdateSkipLocked})
                    """)
                .With("@cutoff", queuedBefore.ToDb())
                .With("@limit", (long)limit)
                .ExecuteAsync(cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public async Task<QueueCounts> CountAsync(string tenantId, string streamId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.CreateCommand(null, $"""
                SELECT COALESCE(SUM(CASE WHEN state = {Queued} THEN 1 ELSE 0 END), 0),
                       COALESCE(SUM(CASE WHEN state = {Queued} AND lane = '{QueueWriter.Held}' THEN 1 ELSE 0 END), 0),
                       COALESCE(SUM(CASE WHEN state = {Dead} THEN 1 ELSE 0 END), 0)
                FROM sets WHERE tenant_id = @tenant_id AND stream_id = @stream_id
                """)
            .With("@tenant_id", tenantId)
            .With("@stream_id", streamId)
            .QuerySingleOrDefaultAsync(
                reader => new QueueCounts(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                    Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                    Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture)),
                cancellationToken))!;
    }

    internal static async Task<bool> HasPushWorkAsync(
        System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string tenantId, string streamId, CancellationToken cancellationToken) =>
        await connection.CreateCommand(transaction, $"""
                SELECT 1 FROM sets WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND {QueueWriter.InPushLane()} LIMIT 1
                """)
            .With("@tenant_id", tenantId)
            .With("@stream_id", streamId)
            .ScalarAsync(cancellationToken) is not null;
}
