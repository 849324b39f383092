using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary>
/// <see cref="ISetStore"/> on the <c>sets</c> table: one row per SET per stream, ordered by <c>seq</c>. A row is
/// due when <c>due_at</c> has passed; delivering it moves <c>due_at</c> to the redelivery time, acknowledging it
/// deletes it, and a rejection dead-letters it (<c>state</c> 1).
/// </summary>
public sealed class RelationalSetStore(RelationalDatabase database) : ISetStore
{
    private const int Queued = 0;
    private const int Dead = 1;

    /// <inheritdoc />
    public Task EnqueueAsync(IReadOnlyList<QueuedSet> sets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (sets.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(async (connection, transaction) =>
        {
            // One prepared command, re-bound per row: a single statement plan for the whole batch.
            await using var command = connection.CreateCommand(transaction, """
                INSERT INTO sets (tenant_id, stream_id, jti, token, event_type, is_control, created_at, due_at, attempts, state)
                VALUES (@tenant_id, @stream_id, @jti, @token, @event_type, @is_control, @created_at, @created_at, 0, 0)
                """)
                .With("@tenant_id", null).With("@stream_id", null).With("@jti", null).With("@token", null)
                .With("@event_type", null).With("@is_control", null).With("@created_at", null);
            foreach (var set in sets)
            {
                command.Parameters["@tenant_id"].Value = set.TenantId;
                command.Parameters["@stream_id"].Value = set.StreamId;
                command.Parameters["@jti"].Value = set.Jti;
                command.Parameters["@token"].Value = set.Token;
                command.Parameters["@event_type"].Value = set.EventType;
                command.Parameters["@is_control"].Value = set.IsControl;
                command.Parameters["@created_at"].Value = set.CreatedAt.ToDb();
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
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
            var select = connection.CreateCommand(transaction, $"""
                    SELECT jti, token FROM sets
                    WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND state = {Queued} AND due_at <= @now
                      {(query.ControlOnly ? "AND is_control = @is_control" : string.Empty)}
                    ORDER BY seq
                    LIMIT @limit{database.ForUpdateSkipLocked}
                    """)
                .With("@tenant_id", tenantId)
                .With("@stream_id", streamId)
                .With("@now", query.Now.ToDb())
                .With("@limit", (long)query.MaxEvents + 1);
            if (query.ControlOnly)
            {
                select.With("@is_control", true);
            }

            var due = await select.QueryAsync(reader => new PolledSet(reader.GetString(0), reader.GetString(1)), cancellationToken);

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
}
