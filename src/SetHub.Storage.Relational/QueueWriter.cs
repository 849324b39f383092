using System.Data.Common;
using SetHub.Core;
using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary>
/// The SQL that puts SETs in lanes, shared by every store that queues or re-queues them. A SET's lane follows its
/// stream: 'held' while the stream is paused (control SETs excepted), otherwise 'push' or 'poll' by delivery method.
/// </summary>
internal static class QueueWriter
{
    public const string Push = "push";
    public const string Poll = "poll";
    public const string Held = "held";

    /// <summary>SQL: the SET (of the table aliased <paramref name="alias"/>, if any) waits in the push lane.</summary>
    public static string InPushLane(string alias = "") => $"{alias}state = {RelationalSetStore.Queued} AND {alias}lane = '{Push}'";

    /// <summary>SQL: the SET waits in the poll lane and may be handed out at <c>@now</c>.</summary>
    public static readonly string DueForPoll = $"state = {RelationalSetStore.Queued} AND lane = '{Poll}' AND due_at <= @now";

    /// <summary>The lane SQL for a SET of the stream aliased <c>st</c>, with the SET's control flag in <paramref name="isControl"/>.</summary>
    public static string LaneOf(string isControl) =>
        $"CASE WHEN NOT {isControl} AND st.status = 'paused' THEN '{Held}' WHEN st.delivery_method = '{SsfConstants.DeliveryMethods.Push}' THEN '{Push}' ELSE '{Poll}' END";

    /// <summary>Queues SETs in the caller's transaction; returns those accepted, with their lanes.</summary>
    public static async Task<IReadOnlyList<EnqueuedSet>> EnqueueAsync(
        RelationalDatabase database, DbConnection connection, DbTransaction transaction, IReadOnlyList<QueuedSet> sets, CancellationToken cancellationToken)
    {
        var accepted = new List<EnqueuedSet>(sets.Count);
        if (sets.Count == 0)
        {
            return accepted;
        }

        var pushStreams = new HashSet<(string TenantId, string StreamId)>();
        foreach (var queued in await database.InsertSetsAsync(connection, transaction, sets, cancellationToken))
        {
            accepted.Add(queued);
            if (queued.Lane == SetLane.Push)
            {
                pushStreams.Add((queued.Set.TenantId, queued.Set.StreamId));
            }
        }

        if (pushStreams.Count > 0)
        {
            await database.MarkPushDueAsync(connection, transaction, [.. pushStreams], sets[0].CreatedAt, resetBackoff: false, cancellationToken);
        }

        return accepted;
    }

    /// <summary>
    /// Inserts SETs one prepared statement at a time (the portable way). The stream is read in the same statement,
    /// so the lane and the disabled check see the stream exactly as it is when the SET is queued.
    /// </summary>
    public static async Task<IReadOnlyList<EnqueuedSet>> InsertRowByRowAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<QueuedSet> sets, CancellationToken cancellationToken)
    {
        var accepted = new List<EnqueuedSet>(sets.Count);
        await using var insert = connection.CreateCommand(transaction, $"""
            INSERT INTO sets (tenant_id, stream_id, jti, token, event_type, is_control, created_at, due_at, attempts, state, lane, queued_at)
            SELECT @tenant_id, @stream_id, @jti, @token, @event_type, @is_control, @created_at, @created_at, 0, 0, {LaneOf("@is_control")}, @created_at
            FROM streams st
            WHERE st.tenant_id = @tenant_id AND st.stream_id = @stream_id AND (@is_control OR st.status <> 'disabled')
            RETURNING lane
            """)
            .With("@tenant_id", null).With("@stream_id", null).With("@jti", null).With("@token", null)
            .With("@event_type", null).With("@is_control", false).With("@created_at", null);
        foreach (var set in sets)
        {
            insert.Parameters["@tenant_id"].Value = set.TenantId;
            insert.Parameters["@stream_id"].Value = set.StreamId;
            insert.Parameters["@jti"].Value = set.Jti;
            insert.Parameters["@token"].Value = set.Token;
            insert.Parameters["@event_type"].Value = set.EventType;
            insert.Parameters["@is_control"].Value = set.IsControl;
            insert.Parameters["@created_at"].Value = set.CreatedAt.ToDb();
            if (await insert.ExecuteScalarAsync(cancellationToken) is string lane)
            {
                accepted.Add(new EnqueuedSet(set, ParseLane(lane))); // otherwise the stream is gone, or disabled
            }
        }

        return accepted;
    }

    /// <summary>
    /// The upsert assignments that tell the push scheduler a stream has work from <c>excluded.due_at</c>. A stream in
    /// retry backoff keeps its retry time — new SETs must not turn a gentle retry into a hammering — unless
    /// <paramref name="resetBackoff"/> (the receiver changed its stream: it may have fixed what failed).
    /// </summary>
    public static string MarkDueAssignments(RelationalDatabase database, bool resetBackoff) => resetBackoff
        ? "due_at = excluded.due_at, failures = 0, reset_during_lease = delivery_schedule.leased_until IS NOT NULL"
        : $"""
          due_at = CASE WHEN delivery_schedule.failures > 0 AND delivery_schedule.due_at IS NOT NULL THEN delivery_schedule.due_at
                        ELSE {database.Least}(COALESCE(delivery_schedule.due_at, excluded.due_at), excluded.due_at) END
          """;

    /// <summary>Marks streams due one upsert at a time, in key order (the portable way).</summary>
    public static async Task MarkDueRowByRowAsync(
        RelationalDatabase database, DbConnection connection, DbTransaction transaction, IReadOnlyList<(string TenantId, string StreamId)> streams,
        DateTimeOffset now, bool resetBackoff, CancellationToken cancellationToken)
    {
        foreach (var (tenantId, streamId) in streams.Distinct().Order())
        {
            await connection.CreateCommand(transaction, $"""
                    INSERT INTO delivery_schedule (tenant_id, stream_id, due_at, failures) VALUES (@tenant_id, @stream_id, @now, 0)
                    ON CONFLICT (tenant_id, stream_id) DO UPDATE SET {MarkDueAssignments(database, resetBackoff)}
                    """)
                .With("@tenant_id", tenantId)
                .With("@stream_id", streamId)
                .With("@now", now.ToDb())
                .ExecuteAsync(cancellationToken);
        }
    }

    public static SetLane ParseLane(string lane) => lane switch
    {
        Push => SetLane.Push,
        Poll => SetLane.Poll,
        Held => SetLane.Held,
        _ => throw new InvalidDataException($"Unknown lane '{lane}'."),
    };
}
