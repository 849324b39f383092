using System.Data.Common;
using System.Globalization;
using System.Text;
using SetHub.Core;
using SetHub.Core.Json;
using SetHub.Core.Security;
using SetHub.Core.Storage;
using SetHub.Core.Streams;

namespace SetHub.Storage.Relational;

/// <summary><see cref="IStreamStore"/> on the <c>streams</c>, <c>stream_subjects</c> and <c>subject_index</c> tables.
/// Push <c>authorization_header</c>s are encrypted here, bound to their stream.</summary>
public sealed class RelationalStreamStore(RelationalDatabase database, ISecretProtector protector) : IStreamStore
{
    private const string Columns = """
        tenant_id, stream_id, receiver_id, audience, events_requested, events_delivered, delivery_method, endpoint_url,
        authorization_header, description, status, status_reason, signing_alg, default_subjects, created_at, updated_at, version,
        inactivity_timeout, min_verification_interval
        """;

    // Streams rewritten per statement by RecomputeEventsDeliveredAsync: two parameters each, far below the SQLite
    // (32766) and PostgreSQL (65535) limits.
    private const int StreamsPerStatement = 500;

    // Tables whose rows belong to one stream, deleted with it.
    private static readonly string[] StreamOwnedTables = ["sets", "subject_index", "stream_subjects", "delivery_schedule"];
    private static readonly string[] SubjectTables = ["subject_index", "stream_subjects"];

    /// <inheritdoc />
    public Task CreateStreamAsync(EventStream stream, IReadOnlyList<QueuedSet>? initialSets = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                await Bind(connection.CreateCommand(transaction, $"""
                    INSERT INTO streams ({Columns}, inactive_at)
                    VALUES (@tenant_id, @stream_id, @receiver_id, @audience, @events_requested, @events_delivered, @delivery_method,
                            @endpoint_url, @authorization_header, @description, @status, @status_reason, @signing_alg,
                            @default_subjects, @created_at, @updated_at, @version, @inactivity_timeout, @min_verification_interval,
                            @inactive_at)
                    """), stream)
                .With("@inactive_at", (stream.CreatedAt + stream.InactivityTimeout)?.ToDb())
                .ExecuteAsync(cancellationToken);
                if (initialSets is { Count: > 0 })
                {
                    await QueueWriter.EnqueueAsync(database, connection, transaction, initialSets, cancellationToken);
                }
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<EventStream?> GetStreamAsync(string tenantId, string streamId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"SELECT {Columns} FROM streams WHERE tenant_id = @tenant_id AND stream_id = @stream_id")
            .With("@tenant_id", tenantId)
            .With("@stream_id", streamId)
            .QuerySingleOrDefaultAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventStream>> ListStreamsAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"""
                SELECT {Columns} FROM streams
                WHERE tenant_id = @tenant_id AND receiver_id = @receiver_id
                ORDER BY created_at, stream_id
                """)
            .With("@tenant_id", tenantId)
            .With("@receiver_id", receiverId)
            .QueryAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateStreamAsync(EventStream stream, long expectedVersion, IReadOnlyList<QueuedSet>? controlSets = null, CancellationToken cancellationToken = default) =>
        UpdateAsync(stream, expectedVersion, controlSets, inactiveBefore: null, cancellationToken);

    /// <inheritdoc />
    public Task<bool> PauseInactiveStreamAsync(EventStream paused, long expectedVersion, QueuedSet announcement, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        UpdateAsync(paused, expectedVersion, [announcement], inactiveBefore: now, cancellationToken);

    private Task<bool> UpdateAsync(
        EventStream stream, long expectedVersion, IReadOnlyList<QueuedSet>? controlSets, DateTimeOffset? inactiveBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return database.WriteAsync(async (connection, transaction) =>
        {
            // Re-enabling restarts the inactivity clock, or the upkeep would pause the stream again at once.
            var command = Bind(connection.CreateCommand(transaction, $"""
                    UPDATE streams
                    SET events_requested = @events_requested, events_delivered = @events_delivered,
                        delivery_method = @delivery_method, endpoint_url = @endpoint_url,
                        authorization_header = @authorization_header, description = @description, status = @status,
                        status_reason = @status_reason, updated_at = @updated_at, version = @version,
                        inactive_at = CASE WHEN @status = 'enabled' AND status <> 'enabled' THEN {InactiveAfter("@updated_at")}
                                           ELSE inactive_at END
                    WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND version = @expected_version
                      {(inactiveBefore is null ? string.Empty : "AND inactive_at < @inactive_before")}
                    """), stream with { Version = expectedVersion + 1 })
                .With("@expected_version", expectedVersion);
            if (inactiveBefore is { } before)
            {
                command.With("@inactive_before", before.ToDb());
            }

            var updated = await command.ExecuteAsync(cancellationToken);
            if (updated == 0)
            {
                return false;
            }

            await FollowStreamAsync(connection, transaction, stream, cancellationToken);
            if (controlSets is { Count: > 0 })
            {
                await QueueWriter.EnqueueAsync(database, connection, transaction, controlSets, cancellationToken);
            }

            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventStream>> GetStreamsAsync(string tenantId, IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamIds);
        if (streamIds.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var command = connection.CreateCommand(null, $"SELECT {Columns} FROM streams WHERE tenant_id = @tenant_id AND stream_id {database.InList("@stream_ids")}")
            .With("@tenant_id", tenantId);
        database.AddList(command, "@stream_ids", streamIds as IReadOnlyList<string> ?? streamIds.ToArray());
        return await command.QueryAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventStream>> ListTenantStreamsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"SELECT {Columns} FROM streams WHERE tenant_id = @tenant_id ORDER BY created_at, stream_id")
            .With("@tenant_id", tenantId)
            .QueryAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventStream>> ListAllSubjectStreamsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"""
                SELECT {Columns} FROM streams
                WHERE tenant_id = @tenant_id AND default_subjects = '{SsfConstants.DefaultSubjects.All}' AND status <> 'disabled'
                """)
            .With("@tenant_id", tenantId)
            .QueryAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StreamSubject>> FindSubjectsAsync(string tenantId, IReadOnlyList<string> indexKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(indexKeys);
        await using var connection = await database.OpenAsync(cancellationToken);
        var command = connection.CreateCommand(null, $"""
                SELECT DISTINCT s.stream_id, s.subject_key, s.subject_json, s.included, s.verified, s.created_at
                FROM subject_index i
                JOIN stream_subjects s ON s.tenant_id = i.tenant_id AND s.stream_id = i.stream_id AND s.subject_key = i.subject_key
                WHERE i.tenant_id = @tenant_id AND i.index_key {database.InList("@keys")}
                """)
            .With("@tenant_id", tenantId);
        database.AddList(command, "@keys", indexKeys);
        return await command.QueryAsync(
            reader => new StreamSubject(tenantId, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4), [], reader.GetTime(5)),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task TouchAsync(string tenantId, string streamId, DateTimeOffset now, TimeSpan granularity, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, $"""
                    UPDATE streams SET last_activity_at = @now, inactive_at = {InactiveAfter("@now")}
                    WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND (last_activity_at IS NULL OR last_activity_at < @threshold)
                    """)
                .With("@tenant_id", tenantId)
                .With("@stream_id", streamId)
                .With("@now", now.ToDb())
                .With("@threshold", (now - granularity).ToDb())
                .ExecuteAsync(cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task<DateTimeOffset?> QueueVerificationAsync(QueuedSet verification, DateTimeOffset now, TimeSpan? minInterval, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verification);
        return database.WriteAsync<DateTimeOffset?>(
            async (connection, transaction) =>
            {
                if (minInterval is { } interval)
                {
                    var reserved = await connection.CreateCommand(transaction, """
                            UPDATE streams SET last_verification_at = @now
                            WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND (last_verification_at IS NULL OR last_verification_at <= @threshold)
                            """)
                        .With("@tenant_id", verification.TenantId)
                        .With("@stream_id", verification.StreamId)
                        .With("@now", now.ToDb())
                        .With("@threshold", (now - interval).ToDb())
                        .ExecuteAsync(cancellationToken) == 1;
                    if (!reserved)
                    {
                        var last = await connection.CreateCommand(transaction, "SELECT last_verification_at FROM streams WHERE tenant_id = @tenant_id AND stream_id = @stream_id")
                            .With("@tenant_id", verification.TenantId)
                            .With("@stream_id", verification.StreamId)
                            .QueryAsync(reader => reader.GetNullableTime(0), cancellationToken);
                        return last is [{ } at] ? at + interval : null; // no row: the stream is gone, nothing to send
                    }
                }

                await QueueWriter.EnqueueAsync(database, connection, transaction, [verification], cancellationToken);
                return null;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventStream>> ListInactiveStreamsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"""
                SELECT {Columns} FROM streams
                WHERE status = 'enabled' AND inactive_at IS NOT NULL AND inactive_at < @now
                ORDER BY inactive_at
                LIMIT @limit
                """)
            .With("@now", now.ToDb())
            .With("@limit", (long)limit)
            .QueryAsync(Read, cancellationToken);
    }

    // The stream's queued SETs follow its status and delivery method (see UpdateStreamAsync).
    private async Task FollowStreamAsync(DbConnection connection, DbTransaction transaction, EventStream stream, CancellationToken cancellationToken)
    {
        if (stream.Status == StreamStatus.Disabled)
        {
            // SSF 1.0 §8.1.2.1: a disabled stream holds nothing. Control SETs and dead letters stay.
            await connection.CreateCommand(transaction, $"""
                    DELETE FROM sets
                    WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND state = {RelationalSetStore.Queued} AND NOT is_control
                    """)
                .With("@tenant_id", stream.TenantId)
                .With("@stream_id", stream.StreamId)
                .ExecuteAsync(cancellationToken);
        }

        var methodLane = stream.Delivery.IsPush ? QueueWriter.Push : QueueWriter.Poll;
        var eventLane = stream.Status == StreamStatus.Paused ? QueueWriter.Held : methodLane;
        await connection.CreateCommand(transaction, $"""
                UPDATE sets SET lane = CASE WHEN is_control THEN @method_lane ELSE @event_lane END
                WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND state = {RelationalSetStore.Queued}
                  AND lane <> CASE WHEN is_control THEN @method_lane ELSE @event_lane END
                """)
            .With("@tenant_id", stream.TenantId)
            .With("@stream_id", stream.StreamId)
            .With("@method_lane", methodLane)
            .With("@event_lane", eventLane)
            .ExecuteAsync(cancellationToken);

        if (!stream.Delivery.IsPush)
        {
            // Nothing is due for push any more; a lease still held finishes and releases normally.
            await connection.CreateCommand(transaction, "UPDATE delivery_schedule SET due_at = NULL WHERE tenant_id = @tenant_id AND stream_id = @stream_id")
                .With("@tenant_id", stream.TenantId)
                .With("@stream_id", stream.StreamId)
                .ExecuteAsync(cancellationToken);
        }
        else if (await RelationalSetStore.HasPushWorkAsync(connection, transaction, stream.TenantId, stream.StreamId, cancellationToken))
        {
            // The receiver (or the operator) changed the stream, perhaps fixing what failed: try again at once.
            await database.MarkPushDueAsync(connection, transaction, [(stream.TenantId, stream.StreamId)], stream.UpdatedAt, resetBackoff: true, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteStreamAsync(string tenantId, string streamId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => DeleteStreamRowsAsync(connection, transaction, tenantId, streamId, cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task PutSubjectAsync(StreamSubject subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return database.WriteAsync(async (connection, transaction) =>
        {
            await connection.CreateCommand(transaction, """
                    INSERT INTO stream_subjects (tenant_id, stream_id, subject_key, subject_json, included, verified, created_at)
                    VALUES (@tenant_id, @stream_id, @subject_key, @subject_json, @included, @verified, @created_at)
                    ON CONFLICT (tenant_id, stream_id, subject_key)
                    DO UPDATE SET included = excluded.included, verified = excluded.verified, created_at = excluded.created_at
                    """)
                .With("@tenant_id", subject.TenantId)
                .With("@stream_id", subject.StreamId)
                .With("@subject_key", subject.SubjectKey)
                .With("@subject_json", subject.SubjectJson)
                .With("@included", subject.Included)
                .With("@verified", subject.Verified)
                .With("@created_at", subject.CreatedAt.ToDb())
                .ExecuteAsync(cancellationToken);

            foreach (var indexKey in subject.IndexKeys)
            {
                await connection.CreateCommand(transaction, """
                        INSERT INTO subject_index (tenant_id, index_key, stream_id, subject_key)
                        VALUES (@tenant_id, @index_key, @stream_id, @subject_key)
                        ON CONFLICT DO NOTHING
                        """)
                    .With("@tenant_id", subject.TenantId)
                    .With("@index_key", indexKey)
                    .With("@stream_id", subject.StreamId)
                    .With("@subject_key", subject.SubjectKey)
                    .ExecuteAsync(cancellationToken);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteSubjectAsync(string tenantId, string streamId, string subjectKey, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            foreach (var table in SubjectTables)
            {
                await connection.CreateCommand(transaction, $"DELETE FROM {table} WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND subject_key = @subject_key")
                    .With("@tenant_id", tenantId)
                    .With("@stream_id", streamId)
                    .With("@subject_key", subjectKey)
                    .ExecuteAsync(cancellationToken);
            }
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<StreamSubject>> ListSubjectsAsync(string tenantId, string streamId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.CreateCommand(null, """
                SELECT subject_key, subject_json, included, verified, created_at FROM stream_subjects
                WHERE tenant_id = @tenant_id AND stream_id = @stream_id
                ORDER BY created_at, subject_key
                """)
            .With("@tenant_id", tenantId)
            .With("@stream_id", streamId)
            .QueryAsync(reader => (Key: reader.GetString(0), Json: reader.GetString(1), Included: reader.GetBoolean(2), Verified: reader.GetBoolean(3), CreatedAt: reader.GetTime(4)), cancellationToken);

        var indexKeys = await connection.CreateCommand(null, "SELECT subject_key, index_key FROM subject_index WHERE tenant_id = @tenant_id AND stream_id = @stream_id")
            .With("@tenant_id", tenantId)
            .With("@stream_id", streamId)
            .QueryAsync(reader => (SubjectKey: reader.GetString(0), IndexKey: reader.GetString(1)), cancellationToken);
        var keysBySubject = indexKeys.ToLookup(k => k.SubjectKey, k => k.IndexKey, StringComparer.Ordinal);

        return rows.Select(row => new StreamSubject(
            tenantId, streamId, row.Key, row.Json, row.Included, row.Verified, keysBySubject[row.Key].Order(StringComparer.Ordinal).ToArray(), row.CreatedAt)).ToArray();
    }

    /// <summary>
    /// SSF 1.0 §8.1.1 (R93): once a tenant's <c>events_supported</c> changed, gives each of its streams
    /// <c>events_delivered</c> = <c>events_requested</c> ∩ <paramref name="eventsSupported"/>
    /// (<see cref="StreamRules.EventsDelivered"/>), in the caller's transaction. Every stream of the tenant gets a new
    /// version, whether its list changed or not, so a concurrent update computed from the old list (say, a PATCH adding
    /// a type just withdrawn) fails its version check and is computed again. The rows are read locked, in key order,
    /// and written in batched statements, not one round trip per stream.
    /// </summary>
    /// <returns>The ids of the streams whose <c>events_delivered</c> changed.</returns>
    internal static async Task<IReadOnlyList<string>> RecomputeEventsDeliveredAsync(
        RelationalDatabase database,
        DbConnection connection,
        DbTransaction transaction,
        string tenantId,
        IReadOnlyList<string> eventsSupported,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var streams = await connection.CreateCommand(transaction, $"""
                SELECT stream_id, events_requested, events_delivered FROM streams
                WHERE tenant_id = @tenant_id
                ORDER BY stream_id{database.ForUpdate}
                """)
            .With("@tenant_id", tenantId)
            .QueryAsync(reader => (StreamId: reader.GetString(0), Requested: reader.GetNullableString(1), Delivered: reader.GetString(2)), cancellationToken);

        var changed = new List<(string StreamId, string Delivered)>();
        foreach (var (streamId, requested, delivered) in streams)
        {
            var recomputed = StreamRules.EventsDelivered(JsonArrays.Read(requested), eventsSupported);
            if (!recomputed.SequenceEqual(JsonArrays.Read(delivered)!, StringComparer.Ordinal))
            {
                changed.Add((streamId, JsonArrays.Write(recomputed)!));
            }
        }

        foreach (var batch in changed.Chunk(StreamsPerStatement))
        {
            var command = connection.CreateCommand(transaction, string.Empty)
                .With("@tenant_id", tenantId)
                .With("@updated_at", now.ToDb());
            var cases = new StringBuilder();
            for (var i = 0; i < batch.Length; i++)
            {
                cases.Append(CultureInfo.InvariantCulture, $" WHEN @stream_{i} THEN @delivered_{i}");
                command.With($"@stream_{i}", batch[i].StreamId).With($"@delivered_{i}", batch[i].Delivered);
            }

            database.AddList(command, "@stream_ids", batch.Select(stream => stream.StreamId).ToArray());
            command.CommandText = $"""
                UPDATE streams
                SET events_delivered = CASE stream_id{cases} ELSE events_delivered END, updated_at = @updated_at
                WHERE tenant_id = @tenant_id AND stream_id {database.InList("@stream_ids")}
                """;
            await command.ExecuteAsync(cancellationToken);
        }

        if (streams.Count > 0)
        {
            await connection.CreateCommand(transaction, "UPDATE streams SET version = version + 1 WHERE tenant_id = @tenant_id")
                .With("@tenant_id", tenantId)
                .ExecuteAsync(cancellationToken);
        }

        return changed.Select(stream => stream.StreamId).ToArray();
    }


    // The stream row goes first: deleting it takes the row lock a publish share-locks before it inserts SETs and marks
    // the stream due, so a concurrent publish either commits before this delete reads the stream's other rows (and
    // its SETs are deleted with them) or finds no stream (and inserts nothing). The same lock order as publishing
    // means the two never deadlock.
    internal static async Task<bool> DeleteStreamRowsAsync(
        DbConnection connection,
        DbTransaction transaction,
        string tenantId,
        string streamId,
        CancellationToken cancellationToken)
    {
        var deleted = await connection.CreateCommand(transaction, "DELETE FROM streams WHERE tenant_id = @tenant_id AND stream_id = @stream_id")
            .With("@tenant_id", tenantId)
            .With("@stream_id", streamId)
            .ExecuteAsync(cancellationToken) > 0;

        foreach (var table in StreamOwnedTables)
        {
            await connection.CreateCommand(transaction, $"DELETE FROM {table} WHERE tenant_id = @tenant_id AND stream_id = @stream_id")
                .With("@tenant_id", tenantId)
                .With("@stream_id", streamId)
                .ExecuteAsync(cancellationToken);
        }

        return deleted;
    }

    // SQL: when a stream whose receiver was last active at <paramref name="activity"/> counts as inactive (SSF 1.0 §8.1.1
    // inactivity_timeout), kept in inactive_at so upkeep finds such streams by an index range. NULL without a timeout.
    private static string InactiveAfter(string activity) => $"{activity} + inactivity_timeout * 1000";

    private static string Purpose(string tenantId, string streamId) => $"authorization-header:{tenantId}:{streamId}";

    private DbCommand Bind(DbCommand command, EventStream stream) => command
        .With("@tenant_id", stream.TenantId)
        .With("@stream_id", stream.StreamId)
        .With("@receiver_id", stream.ReceiverId)
        .With("@audience", stream.Audience)
        .With("@events_requested", JsonArrays.Write(stream.EventsRequested))
        .With("@events_delivered", JsonArrays.Write(stream.EventsDelivered))
        .With("@delivery_method", stream.Delivery.Method)
        .With("@endpoint_url", stream.Delivery.EndpointUrl)
        .With("@authorization_header", stream.Delivery.AuthorizationHeader is { } header
            ? protector.Protect(Encoding.UTF8.GetBytes(header), Purpose(stream.TenantId, stream.StreamId))
            : null)
        .With("@description", stream.Description)
        .With("@status", stream.Status.ToWire())
        .With("@status_reason", stream.StatusReason)
        .With("@signing_alg", stream.SigningAlgorithm)
        .With("@default_subjects", stream.DefaultSubjects)
        .With("@created_at", stream.CreatedAt.ToDb())
        .With("@updated_at", stream.UpdatedAt.ToDb())
        .With("@version", stream.Version)
        .With("@inactivity_timeout", Seconds(stream.InactivityTimeout))
        .With("@min_verification_interval", Seconds(stream.MinVerificationInterval));

    private static long? Seconds(TimeSpan? value) => value is { } span ? (long)span.TotalSeconds : null;

    private static TimeSpan? Seconds(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : TimeSpan.FromSeconds(reader.GetInt64(ordinal));

    private EventStream Read(DbDataReader reader)
    {
        var tenantId = reader.GetString(0);
        var streamId = reader.GetString(1);
        string? header = null;
        if (!reader.IsDBNull(8))
        {
            header = Encoding.UTF8.GetString(protector.Unprotect((byte[])reader.GetValue(8), Purpose(tenantId, streamId)));
        }

        if (!StreamStatusNames.TryParse(reader.GetString(10), out var status))
        {
            throw new InvalidDataException($"Stream '{streamId}' has an unknown status '{reader.GetString(10)}'.");
        }

        return new EventStream(
            TenantId: tenantId,
            StreamId: streamId,
            ReceiverId: reader.GetString(2),
            Audience: reader.GetString(3),
            EventsRequested: JsonArrays.Read(reader.GetNullableString(4)),
            EventsDelivered: JsonArrays.Read(reader.GetString(5))!,
            Delivery: new DeliverySettings(reader.GetString(6), reader.GetString(7), header),
            Description: reader.GetNullableString(9),
            Status: status,
            StatusReason: reader.GetNullableString(11),
            SigningAlgorithm: reader.GetString(12),
            DefaultSubjects: reader.GetString(13),
            InactivityTimeout: Seconds(reader, 17),
            MinVerificationInterval: Seconds(reader, 18),
            CreatedAt: reader.GetTime(14),
            UpdatedAt: reader.GetTime(15),
            Version: reader.GetInt64(16));
    }
}
