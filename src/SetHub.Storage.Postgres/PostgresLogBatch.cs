using Npgsql;
using NpgsqlTypes;
using SetHub.Core.Storage;
using SetHub.Storage.Relational;
using SetHub.Storage.Relational.SetLog;
using static SetHub.Storage.Relational.SetLog.LogStates;

namespace SetHub.Storage.Postgres;

/// <summary>
/// A batch of SET log operations as one round trip: each kind of change travels as parallel arrays, one statement per
/// kind, in a fixed order (removals, dead letters, re-drives, appends, expiry, drops, heads) that matches how a stream
/// makes its changes. The first statement share-locks the heads of every written stream whose epoch matches, so no
/// claim can move an epoch until this commits; every later statement joins those heads again by epoch, so a fenced
/// stream's rows are simply not touched.
/// </summary>
internal static class PostgresLogBatch
{

    /// <summary>Whether the bulk form applies: two claims of one stream in one batch would upsert one row twice.</summary>
    public static bool CanRun(IReadOnlyList<LogOperation> operations)
    {
        var claimed = new HashSet<StreamKey>();
        return operations.OfType<ClaimOperation>().All(claim => claimed.Add(claim.Stream));
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, IReadOnlyList<LogOperation> operations, CancellationToken cancellationToken)
    {
        var claims = operations.OfType<ClaimOperation>().ToArray();
        var writes = operations.OfType<WriteOperation>().ToArray();
        foreach (var write in writes)
        {
            write.Duplicates.Clear(); // the batch may be run again after a deadlock
        }

        // No explicit transaction: the batch is one implicit transaction (a single Sync), so a failing statement rolls
        // back the whole batch and the fence below holds until the end of the batch.
        await using var batch = new NpgsqlBatch(connection);
        var readers = new List<Func<NpgsqlDataReader, Task>>();
        if (claims.Length > 0)
        {
            AddClaims(batch, readers, claims, cancellationToken);
        }

        if (writes.Length > 0)
        {
            AddWrites(batch, readers, writes, cancellationToken);
        }

        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            foreach (var read in readers)
            {
                await read(reader);
                await reader.NextResultAsync(cancellationToken);
            }
        }
    }

    private static void AddClaims(NpgsqlBatch batch, List<Func<NpgsqlDataReader, Task>> readers, ClaimOperation[] claims, CancellationToken cancellationToken)
    {
        var ordered = claims.OrderBy(claim => claim.Stream.TenantId, StringComparer.Ordinal).ThenBy(claim => claim.Stream.StreamId, StringComparer.Ordinal).ToArray();
        var byStream = ordered.ToDictionary(claim => claim.Stream);
        var heads = new Dictionary<StreamKey, LogHead>();
        var windows = ordered.ToDictionary(claim => claim.Stream, _ => new List<LogEntry>());
        var limit = claims.Max(claim => claim.WindowSize) + 1;

        batch.BatchCommands.Add(Command("""
            INSERT INTO set_heads (tenant_id, stream_id, epoch, owner, failures, next_attempt_at)
            SELECT v.t, v.s, 1, v.o, 0, NULL FROM unnest(@t, @s, @o) AS v(t, s, o)
            ORDER BY v.t, v.s
            ON CONFLICT (tenant_id, stream_id) DO UPDATE SET epoch = set_heads.epoch + 1, owner = excluded.owner
            RETURNING tenant_id, stream_id, epoch, failures, next_attempt_at
            """,
            Text("t", ordered.Select(claim => claim.Stream.TenantId)),
            Text("s", ordered.Select(claim => claim.Stream.StreamId)),
            Text("o", ordered.Select(claim => claim.Owner))));
        readers.Add(async reader =>
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                heads[new StreamKey(reader.GetString(0), reader.GetString(1))] =
                    new LogHead(reader.GetInt64(2), reader.GetInt32(3), reader.GetNullableTime(4));
            }
        });

        batch.BatchCommands.Add(Command($"""
            SELECT k.t, k.s, r.pos, r.jti, r.token, r.event_type, r.is_control, r.queued_at, r.attempts, r.last_error, r.txn
            FROM unnest(@t, @s) AS k(t, s)
            CROSS JOIN LATERAL (
                SELECT pos, jti, token, event_type, is_control, queued_at, attempts, last_error, txn FROM set_log
                WHERE tenant_id = k.t AND stream_id = k.s AND state = {Queued}
                ORDER BY pos LIMIT @limit) r
            ORDER BY k.t, k.s, r.pos
            """,
            Text("t", ordered.Select(claim => claim.Stream.TenantId)),
            Text("s", ordered.Select(claim => claim.Stream.StreamId)),
            new NpgsqlParameter<int>("limit", limit)));
        readers.Add(async reader =>
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                windows[new StreamKey(reader.GetString(0), reader.GetString(1))].Add(RowByRowLogBatch.ReadEntry(reader, 2));
            }

            foreach (var (stream, window) in windows)
            {
                var claim = byStream[stream];
                var complete = window.Count <= claim.WindowSize;
                claim.Result = new LogClaim(heads[stream], complete ? window : window.GetRange(0, claim.WindowSize), complete);
            }
        });
    }

    private static void AddWrites(NpgsqlBatch batch, List<Func<NpgsqlDataReader, Task>> readers, WriteOperation[] writes, CancellationToken cancellationToken)
    {
        // Fence: lock the heads whose epoch matches, in key order (as claims lock them), and learn which they are.
        var fences = writes.Select(write => (write.Stream, write.Epoch)).Distinct()
            .OrderBy(fence => fence.Stream.TenantId, StringComparer.Ordinal).ThenBy(fence => fence.Stream.StreamId, StringComparer.Ordinal).ToArray();
        var valid = new HashSet<(StreamKey, long)>();
        batch.BatchCommands.Add(Command("""
            SELECT h.tenant_id, h.stream_id, h.epoch FROM set_heads h
            JOIN unnest(@t, @s, @e) AS v(t, s, e) ON h.tenant_id = v.t AND h.stream_id = v.s AND h.epoch = v.e
            ORDER BY h.tenant_id, h.stream_id
            FOR SHARE OF h
            """,
            Text("t", fences.Select(fence => fence.Stream.TenantId)),
            Text("s", fences.Select(fence => fence.Stream.StreamId)),
            Bigint("e", fences.Select(fence => fence.Epoch))));
        readers.Add(async reader =>
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                valid.Add((new StreamKey(reader.GetString(0), reader.GetString(1)), reader.GetInt64(2)));
            }

            foreach (var write in writes)
            {
                write.Fenced = !valid.Contains((write.Stream, write.Epoch));
            }
        });

        const string Fenced = "JOIN set_heads h ON h.tenant_id = v.t AND h.stream_id = v.s AND h.epoch = v.e";

        var removals = writes.Where(write => write.Write.RemovedAt is null)
            .SelectMany(write => write.Write.Removals.Select(removal => (write, position: removal.Position))).ToArray();
        if (removals.Length > 0)
        {
            AddStatement(batch, $"""
                DELETE FROM set_log l USING unnest(@t, @s, @e, @p) AS v(t, s, e, p) {Fenced}
                WHERE l.tenant_id = v.t AND l.stream_id = v.s AND l.pos = v.p AND l.state = {Queued}
                """,
                [.. StreamColumns(removals.Select(row => row.write)), Bigint("p", removals.Select(row => row.position))]);
        }

        // Kept for the trace: the state and time, without the token (nothing sends it again).
        var done = writes.Where(write => write.Write.RemovedAt is not null)
            .SelectMany(write => write.Write.Removals.Select(removal => (write, removal))).ToArray();
        if (done.Length > 0)
        {
            AddStatement(batch, $"""
                UPDATE set_log l SET state = v.st, done_at = v.at, attempts = v.a, token = ''
                FROM unnest(@t, @s, @e, @p, @st, @at, @a) AS v(t, s, e, p, st, at, a) {Fenced}
                WHERE l.tenant_id = v.t AND l.stream_id = v.s AND l.pos = v.p AND l.state = {Queued}
                """,
                [.. StreamColumns(done.Select(row => row.write)), Bigint("p", done.Select(row => row.removal.Position)),
                 Int("st", done.Select(row => DoneState(row.removal.Acknowledged))), Bigint("at", done.Select(row => row.write.Write.RemovedAt!.Value.ToDb())),
                 Int("a", done.Select(row => row.removal.Attempts))]);
        }

        var removalsByJti = writes.Where(write => write.Write.RemovedAt is null)
            .SelectMany(write => write.Write.RemovalsByJti.Select(jti => (write, jti))).ToArray();
        if (removalsByJti.Length > 0)
        {
            AddStatement(batch, $"""
                DELETE FROM set_log l USING unnest(@t, @s, @e, @j) AS v(t, s, e, j) {Fenced}
                WHERE l.tenant_id = v.t AND l.stream_id = v.s AND l.jti = v.j AND l.state = {Queued}
                """,
                [.. StreamColumns(removalsByJti.Select(row => row.write)), Text("j", removalsByJti.Select(row => row.jti))]);
        }

        var doneByJti = writes.Where(write => write.Write.RemovedAt is not null)
            .SelectMany(write => write.Write.RemovalsByJti.Select(jti => (write, jti))).ToArray();
        if (doneByJti.Length > 0)
        {
            AddStatement(batch, $"""
                UPDATE set_log l SET state = {Acknowledged}, done_at = v.at, token = ''
                FROM unnest(@t, @s, @e, @j, @at) AS v(t, s, e, j, at) {Fenced}
                WHERE l.tenant_id = v.t AND l.stream_id = v.s AND l.jti = v.j AND l.state = {Queued}
                """,
                [.. StreamColumns(doneByJti.Select(row => row.write)), Text("j", doneByJti.Select(row => row.jti)),
                 Bigint("at", doneByJti.Select(row => row.write.Write.RemovedAt!.Value.ToDb()))]);
        }

        var purges = writes.Where(write => write.Write.PurgeDoneBefore is not null).ToArray();
        if (purges.Length > 0)
        {
            AddStatement(batch, $"""
                DELETE FROM set_log l USING unnest(@t, @s, @e, @cut) AS v(t, s, e, cut) {Fenced}
                WHERE l.tenant_id = v.t AND l.stream_id = v.s AND l.state IN ({Delivered}, {Acknowledged}) AND l.done_at < v.cut
                """,
                [.. StreamColumns(purges), Bigint("cut", purges.Select(write => write.Write.PurgeDoneBefore!.Value.ToDb()))]);
        }

        var deadLetters = writes.SelectMany(write => write.Write.DeadLetters.Select(letter => (write, letter))).ToArray();
        if (deadLetters.Length > 0)
        {
            AddStatement(batch, $"""
                UPDATE set_log l SET state = {Dead}, last_error = v.err, attempts = v.a
                FROM unnest(@t, @s, @e, @p, @err, @a) AS v(t, s, e, p, err, a) {Fenced}
                WHERE l.tenant_id = v.t AND l.stream_id = v.s AND l.pos = v.p AND l.state = {Queued}
                """,
                [.. StreamColumns(deadLetters.Select(row => row.write)), Bigint("p", deadLetters.Select(row => row.letter.Position)),
                 Text("err", deadLetters.Select(row => row.letter.Error)), Int("a", deadLetters.Select(row => row.letter.Attempts))]);
        }

        var redrives = writes.SelectMany(write => write.Write.Redrives.Select(redrive => (write, redrive))).ToArray();
        if (redrives.Length > 0)
        {
            AddStatement(batch, $"""
                UPDATE set_log l SET pos = v.p, state = {Queued}, created_at = v.q, queued_at = v.q, attempts = 0, last_error = NULL,
                    jti = v.nj, token = v.tok, reissued_from = l.jti
                FROM unnest(@t, @s, @e, @j, @p, @q, @nj, @tok) AS v(t, s, e, j, p, q, nj, tok) {Fenced}
                WHERE l.tenant_id = v.t AND l.stream_id = v.s AND l.jti = v.j AND l.state = {Dead}
                """,
                [.. StreamColumns(redrives.Select(row => row.write)), Text("j", redrives.Select(row => row.redrive.Jti)),
                 Bigint("p", redrives.Select(row => row.redrive.Position)), Bigint("q", redrives.Select(row => row.redrive.QueuedAt.ToDb())),
                 Text("nj", redrives.Select(row => row.redrive.NewJti)), Text("tok", redrives.Select(row => row.redrive.NewToken))]);
        }

        var appends = writes.SelectMany(write => write.Write.Appends.Select(entry => (write, entry))).ToArray();
        if (appends.Length > 0)
        {
            var inserted = new HashSet<(string, string, string)>();
            batch.BatchCommands.Add(Command($"""
                INSERT INTO set_log (tenant_id, stream_id, pos, jti, token, event_type, is_control, created_at, queued_at, attempts, state, txn)
                SELECT v.t, v.s, v.p, v.j, v.tok, v.et, v.c, v.q, v.q, 0, {Queued}, v.txn
                FROM unnest(@t, @s, @e, @p, @j, @tok, @et, @c, @q, @txn) AS v(t, s, e, p, j, tok, et, c, q, txn) {Fenced}
                ORDER BY v.t, v.s, v.p
                ON CONFLICT (tenant_id, stream_id, jti) DO NOTHING
                RETURNING tenant_id, stream_id, jti
                """,
                [.. StreamColumns(appends.Select(row => row.write)), Bigint("p", appends.Select(row => row.entry.Position)),
                 Text("j", appends.Select(row => row.entry.Jti)), Text("tok", appends.Select(row => row.entry.Token)),
                 Text("et", appends.Select(row => row.entry.EventType)), new NpgsqlParameter<bool[]>("c", [.. appends.Select(row => row.entry.IsControl)]),
                 Bigint("q", appends.Select(row => row.entry.QueuedAt.ToDb())), NullableText("txn", appends.Select(row => row.entry.Transaction))]));
            readers.Add(async reader =>
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    inserted.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
                }

                foreach (var (write, entry) in appends)
                {
                    if (!write.Fenced && !inserted.Contains((write.Stream.TenantId, write.Stream.StreamId, entry.Jti)))
                    {
                        write.Duplicates.Add(entry.Jti);
                    }
                }
            });
        }

        var expiries = writes.Where(write => write.Write.ExpireQueuedBefore is not null).ToArray();
        if (expiries.Length > 0)
        {
            AddStatement(batch, $"""
                UPDATE set_log l SET state = {Dead},
                    last_error = CASE WHEN l.last_error IS NULL THEN v.err ELSE v.err || '; last error: ' || l.last_error END
                FROM unnest(@t, @s, @e, @cut, @err) AS v(t, s, e, cut, err) {Fenced}
                WHERE l.tenant_id = v.t AND l.stream_id = v.s AND l.state = {Queued} AND l.queued_at < v.cut
                """,
                [.. StreamColumns(expiries), Bigint("cut", expiries.Select(write => write.Write.ExpireQueuedBefore!.Value.ToDb())),
                 Text("err", expiries.Select(write => write.Write.ExpiryError ?? "expired"))]);
        }

        var drops = writes.Where(write => write.Write.DropQueuedEvents).ToArray();
        if (drops.Length > 0)
        {
            AddStatement(batch, $"""
                DELETE FROM set_log l USING unnest(@t, @s, @e) AS v(t, s, e) {Fenced}
                WHERE l.tenant_id = v.t AND l.stream_id = v.s AND l.state = {Queued} AND NOT l.is_control
                """,
                StreamColumns(drops));
        }

        // A stream's last head update in the batch is the one that stands.
        var heads = writes.Where(write => write.Write.Head is not null).GroupBy(write => (write.Stream, write.Epoch)).Select(group => group.Last()).ToArray();
        if (heads.Length > 0)
        {
            AddStatement(batch, """
                UPDATE set_heads h SET failures = v.f, next_attempt_at = v.n
                FROM unnest(@t, @s, @e, @f, @n) AS v(t, s, e, f, n)
                WHERE h.tenant_id = v.t AND h.stream_id = v.s AND h.epoch = v.e
                """,
                [.. StreamColumns(heads), Int("f", heads.Select(write => write.Write.Head!.Value.Failures)),
                 new NpgsqlParameter<long?[]>("n", [.. heads.Select(write => write.Write.Head!.Value.NextAttemptAt.ToDb())])]);
        }
    }

    // A statement without RETURNING yields no result set at all (Npgsql skips it when moving to the next result), so
    // it gets no reader: readers follow the row-returning statements only, in order.
    private static void AddStatement(NpgsqlBatch batch, string sql, params NpgsqlParameter[] parameters) =>
        batch.BatchCommands.Add(Command(sql, parameters));

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter[] StreamColumns(IEnumerable<WriteOperation> writes)
    {
        var rows = writes as WriteOperation[] ?? [.. writes];
        return [Text("t", rows.Select(write => write.Stream.TenantId)), Text("s", rows.Select(write => write.Stream.StreamId)), Bigint("e", rows.Select(write => write.Epoch))];
    }

    private static NpgsqlParameter<string[]> Text(string name, IEnumerable<string> values) => new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. values] };

    private static NpgsqlParameter<string?[]> NullableText(string name, IEnumerable<string?> values) => new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. values] };

    private static NpgsqlParameter<long[]> Bigint(string name, IEnumerable<long> values) => new(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. values] };

    private static NpgsqlParameter<int[]> Int(string name, IEnumerable<int> values) => new(name, NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. values] };
}
