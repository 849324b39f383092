using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using SetHub.Core.Storage;
using SetHub.Storage.Relational;

namespace SetHub.Storage.Postgres;

/// <summary>
/// PostgreSQL for a cluster of stateless nodes. Writes are short READ COMMITTED transactions; claims use
/// <c>FOR UPDATE SKIP LOCKED</c>, so nodes never wait on each other's rows; migrations run under an advisory lock, so
/// nodes starting together migrate once.
/// </summary>
public sealed class PostgresDatabase : RelationalDatabase, IStoreInitializer, IAsyncDisposable
{
    // An arbitrary constant naming SetHub's migration lock among the database's advisory locks.
    private const long MigrationLockKey = 0x5365_7448_7562_0001;
    private const int MaxWriteAttempts = 3;

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Connects to the database named by <paramref name="connectionString"/>.</summary>
    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "SetHub";
        }

        // SetHub keeps no session state on pooled connections (no SET, no temporary tables, no session locks; LISTEN
        // has a connection of its own), so the DISCARD ALL Npgsql sends when a connection returns to the pool is pure
        // overhead: roughly one extra statement per query. An explicit setting in the connection string wins.
        if (!builder.ContainsKey("No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }

        ConnectionString = builder.ConnectionString;
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    /// <summary>The connection string in use (for the notification listener).</summary>
    public string ConnectionString { get; }

    /// <inheritdoc />
    public override string Least => "LEAST";

    /// <inheritdoc />
    public override string ForUpdateSkipLocked => " FOR UPDATE SKIP LOCKED";

    /// <inheritdoc />
    public override string ForShare => " FOR SHARE";

    /// <inheritdoc />
    public override string ForUpdate => " FOR UPDATE";

    /// <summary>The Orleans provider tables live in the <c>orleans</c> schema (migration 0003).</summary>
    public override string OrleansTable(string name) => "orleans." + name;

    /// <inheritdoc />
    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <inheritdoc />
    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var result = await work(connection, transaction);
                // Once the work is done, the commit is not cancelled: a cancel during COMMIT could report a failure for
                // a transaction that did commit, and a client told "not accepted" would publish again.
                await transaction.CommitAsync(CancellationToken.None);
                return result;
            }
            catch (PostgresException exception) when (IsTransient(exception) && attempt < MaxWriteAttempts)
            {
                // The transaction was rolled back as a whole, so running it again is safe. Lock orders are kept
                // consistent, so this is rare: a jittered pause lets the other transaction finish first.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 50) * attempt), cancellationToken);
            }
        }
    }

    // 40P01 deadlock_detected, 40001 serialization_failure.
    private static bool IsTransient(PostgresException exception) =>
        exception.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;

    /// <inheritdoc />
    public override string InList(string parameterName) => $"= ANY({parameterName})";

    /// <inheritdoc />
    public override void AddList(DbCommand command, string parameterName, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Parameters.Add(new NpgsqlParameter(parameterName, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values as string[] ?? values.ToArray() });
    }

    /// <inheritdoc />
    public override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        // Nodes starting while another migrates wait as long as the migration takes, not a command timeout.
        await using var command = connection.CreateCommand(transaction, "SELECT pg_advisory_xact_lock(@key)").With("@key", MigrationLockKey);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Inserts a whole batch in one statement: the SETs travel as parallel arrays and are joined to their streams, so
    /// a fan-out to ten thousand streams is one round trip, not ten thousand. The stream rows are share-locked, in key
    /// order (as deletes lock them), so a concurrent pause, disable, delete or change of delivery method either sees
    /// these SETs or waits for them: a SET always enters the lane of the stream as it is when both have committed.
    /// </summary>
    public override async Task<IReadOnlyList<EnqueuedSet>> InsertSetsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<QueuedSet> sets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var command = connection.CreateCommand(transaction, $"""
            INSERT INTO sets (tenant_id, stream_id, jti, token, event_type, is_control, created_at, due_at, attempts, state, lane, queued_at)
            SELECT v.tenant_id, v.stream_id, v.jti, v.token, v.event_type, v.is_control, v.created_at, v.created_at, 0, 0,
                   {QueueWriter.LaneOf("v.is_control")}, v.created_at
            FROM unnest(@tenant_ids, @stream_ids, @jtis, @tokens, @event_types, @is_control, @created_at, @ordinals)
                 AS v(tenant_id, stream_id, jti, token, event_type, is_control, created_at, ordinal)
            JOIN streams st ON st.tenant_id = v.tenant_id AND st.stream_id = v.stream_id
            WHERE v.is_control OR st.status <> 'disabled'
            ORDER BY v.tenant_id, v.stream_id, v.ordinal
            FOR SHARE OF st
            RETURNING tenant_id, stream_id, jti, lane
            """)
            .With("@tenant_ids", sets.Select(s => s.TenantId).ToArray())
            .With("@stream_ids", sets.Select(s => s.StreamId).ToArray())
            .With("@jtis", sets.Select(s => s.Jti).ToArray())
            .With("@tokens", sets.Select(s => s.Token).ToArray())
            .With("@event_types", sets.Select(s => s.EventType).ToArray())
            .With("@is_control", sets.Select(s => s.IsControl).ToArray())
            .With("@created_at", sets.Select(s => s.CreatedAt.ToDb()).ToArray())
            .With("@ordinals", Enumerable.Range(0, sets.Count).ToArray());
        var inserted = await command.QueryAsync(
            reader => (TenantId: reader.GetString(0), StreamId: reader.GetString(1), Jti: reader.GetString(2), Lane: QueueWriter.ParseLane(reader.GetString(3))),
            cancellationToken);

        // Answered in the caller's order, whatever order the rows were locked and inserted in.
        var ordinals = new Dictionary<(string, string, string), int>(sets.Count);
        for (var i = 0; i < sets.Count; i++)
        {
            ordinals[(sets[i].TenantId, sets[i].StreamId, sets[i].Jti)] = i;
        }

        return inserted
            .Select(row => (Ordinal: ordinals[(row.TenantId, row.StreamId, row.Jti)], row.Lane))
            .OrderBy(row => row.Ordinal)
            .Select(row => new EnqueuedSet(sets[row.Ordinal], row.Lane))
            .ToArray();
    }

    /// <summary>One upsert for all the streams, in key order, so concurrent publishes lock schedule rows in the same
    /// order and cannot deadlock.</summary>
    public override Task MarkPushDueAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<(string TenantId, string StreamId)> streams, DateTimeOffset now, bool resetBackoff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streams);
        var ordered = streams.Distinct().Order().ToArray();
        return connection.CreateCommand(transaction, $"""
                INSERT INTO delivery_schedule (tenant_id, stream_id, due_at, failures)
                SELECT v.tenant_id, v.stream_id, @now, 0 FROM unnest(@tenant_ids, @stream_ids) AS v(tenant_id, stream_id)
                ORDER BY v.tenant_id, v.stream_id
                ON CONFLICT (tenant_id, stream_id) DO UPDATE SET {QueueWriter.MarkDueAssignments(this, resetBackoff)}
                """)
            .With("@tenant_ids", ordered.Select(s => s.TenantId).ToArray())
            .With("@stream_ids", ordered.Select(s => s.StreamId).ToArray())
            .With("@now", now.ToDb())
            .ExecuteAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default) =>
        await new MigrationRunner(this, typeof(PostgresDatabase).Assembly).RunAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
