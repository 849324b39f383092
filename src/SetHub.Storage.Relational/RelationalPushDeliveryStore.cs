using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary>
/// <see cref="IPushDeliveryStore"/> on <c>delivery_schedule</c> (one row per push stream) and the push lane of
/// <c>sets</c>. Claiming a stream clears its <c>due_at</c> and sets a lease; SETs queued meanwhile set <c>due_at</c>
/// again, so the release never loses them.
/// </summary>
public sealed class RelationalPushDeliveryStore(RelationalDatabase database) : IPushDeliveryStore
{

    /// <inheritdoc />
    public Task<IReadOnlyList<ClaimedStream>> ClaimStreamsAsync(string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
        database.WriteAsync<IReadOnlyList<ClaimedStream>>(
            async (connection, transaction) => await connection.CreateCommand(transaction, $"""
                    UPDATE delivery_schedule SET leased_until = @lease_until, lease_owner = @owner, due_at = NULL, reset_during_lease = FALSE
                    WHERE (tenant_id, stream_id) IN (
                        SELECT tenant_id, stream_id FROM delivery_schedule
                        WHERE (leased_until IS NULL AND due_at <= @now) OR leased_until < @now
                        ORDER BY COALESCE(leased_until, due_at)
                        LIMIT @max{database.ForUpdateSkipLocked})
                    RETURNING tenant_id, stream_id, failures
                    """)
                .With("@lease_until", leaseUntil.ToDb())
                .With("@owner", owner)
                .With("@now", now.ToDb())
                .With("@max", (long)max)
                .QueryAsync(reader => new ClaimedStream(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), owner, leaseUntil), cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<PendingSet>> GetPushSetsAsync(string tenantId, string streamId, int max, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"""
                SELECT jti, token, attempts, queued_at, last_error FROM sets
                WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND {QueueWriter.InPushLane()}
                ORDER BY seq
                LIMIT @max
                """)
            .With("@tenant_id", tenantId)
            .With("@stream_id", streamId)
            .With("@max", (long)max)
            .QueryAsync(reader => new PendingSet(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetTime(3), reader.GetNullableString(4)), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> CanSendAsync(ClaimedStream claim, string jti, long streamVersion, DateTimeOffset sendDeadline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.CreateCommand(null, $"""
                SELECT 1 FROM sets s
                JOIN streams st ON st.tenant_id = s.tenant_id AND st.stream_id = s.stream_id
                JOIN delivery_schedule ds ON ds.tenant_id = s.tenant_id AND ds.stream_id = s.stream_id
                WHERE s.tenant_id = @tenant_id AND s.stream_id = @stream_id AND s.jti = @jti
                  AND {QueueWriter.InPushLane("s.")}
                  AND st.version = @version AND ds.lease_owner = @owner AND ds.leased_until > @deadline
                """)
            .With("@tenant_id", claim.TenantId)
            .With("@stream_id", claim.StreamId)
            .With("@jti", jti)
            .With("@version", streamVersion)
            .With("@owner", claim.LeaseOwner)
            .With("@deadline", sendDeadline.ToDb())
            .ScalarAsync(cancellationToken) is not null;
    }

    /// <inheritdoc />
    public Task<DateTimeOffset?> ReleaseAsync(PushBatchResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (tenantId, streamId, failures, owner, _) = result.Stream;
        return database.WriteAsync<DateTimeOffset?>(async (connection, transaction) =>
        {
            if (result.Delivered.Count > 0)
            {
                var delivered = connection.CreateCommand(transaction, $"DELETE FROM sets WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND jti {database.InList("@jtis")}")
                    .With("@tenant_id", tenantId)
                    .With("@stream_id", streamId);
                database.AddList(delivered, "@jtis", result.Delivered);
                await delivered.ExecuteAsync(cancellationToken);
            }

            foreach (var (jti, error) in result.DeadLettered)
            {
                await RecordAsync(jti, error, $"state = {RelationalSetStore.Dead}, last_error = @error, attempts = attempts + 1");
            }

            foreach (var (jti, error) in result.Expired)
            {
                await RecordAsync(jti, error, $"state = {RelationalSetStore.Dead}, last_error = @error");
            }

            if (result.Failed is { } failed)
            {
                await RecordAsync(failed.Jti, failed.Error, "last_error = @error, attempts = attempts + 1");
            }

            // Next due: the retry time after a failure; at once while SETs remain and this batch moved the queue (or
            // was cut short); otherwise whatever was queued during the lease, or nothing. A batch that could do nothing
            // (the stream stopped being a push stream) must not reschedule itself at once: that would spin.
            var remaining = result.RetryAt is null && (result.MadeProgress || result.Unfinished) &&
                await RelationalSetStore.HasPushWorkAsync(connection, transaction, tenantId, streamId, cancellationToken);
            // A change to the stream during the lease reset its backoff (failures 0, due at once): the receiver may have
            // fixed what failed, so that reset wins over this batch's failure count.
            var dueAt = result.RetryAt is not null ? "CASE WHEN reset_during_lease THEN COALESCE(due_at, @retry_at) ELSE @retry_at END"
                : remaining ? "@now"
                : "due_at";
            var reschedule = connection.CreateCommand(transaction, $"""
                    UPDATE delivery_schedule
                    SET due_at = {dueAt}, failures = CASE WHEN reset_during_lease THEN 0 ELSE @failures END,
                        leased_until = NULL, lease_owner = NULL, reset_during_lease = FALSE
                    WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND lease_owner = @owner
                    RETURNING due_at
                    """)
                .With("@tenant_id", tenantId)
                .With("@stream_id", streamId)
                .With("@owner", owner)
                .With("@failures", result.RetryAt is not null ? failures + 1 : result.Delivered.Count > 0 ? 0 : failures);
            if (result.RetryAt is { } retryAt)
            {
                reschedule.With("@retry_at", retryAt.ToDb());
            }
            else if (remaining)
            {
                reschedule.With("@now", result.Now.ToDb());
            }

            var next = await reschedule.QueryAsync(reader => reader.GetNullableTime(0), cancellationToken);
            return next.Count == 0 ? null : next[0];

            Task<int> RecordAsync(string jti, string error, string assignments) =>
                connection.CreateCommand(transaction, $"""
                        UPDATE sets SET {assignments}
                        WHERE tenant_id = @tenant_id AND stream_id = @stream_id AND jti = @jti AND state = {RelationalSetStore.Queued}
                        """)
                    .With("@tenant_id", tenantId)
                    .With("@stream_id", streamId)
                    .With("@jti", jti)
                    .With("@error", error)
                    .ExecuteAsync(cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Two probes, one per partial index (delivery_schedule_due, delivery_schedule_leases): each reads one index
        // entry, however many push streams there are. An OR in one query would scan the table.
        var times = await connection.CreateCommand(null, """
                SELECT (SELECT MIN(due_at) FROM delivery_schedule WHERE due_at IS NOT NULL AND leased_until IS NULL),
                       (SELECT MIN(leased_until) FROM delivery_schedule WHERE leased_until IS NOT NULL)
                """)
            .QueryAsync(reader => (Due: reader.GetNullableTime(0), LeaseEnd: reader.GetNullableTime(1)), cancellationToken);
        var (due, leaseEnd) = times[0];
        return due is null ? leaseEnd : leaseEnd is null ? due : due < leaseEnd ? due : leaseEnd;
    }
}
