using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary><see cref="ITimerStore"/> on the <c>timers</c> table, claimed like push work: a conditional update of a
/// row selected with <c>FOR UPDATE SKIP LOCKED</c>, so competing nodes never wait on each other.</summary>
public sealed class RelationalTimerStore(RelationalDatabase database) : ITimerStore
{
    /// <inheritdoc />
    public Task<bool> TryClaimAsync(string name, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.CreateCommand(transaction, "INSERT INTO timers (name, due_at) VALUES (@name, @now) ON CONFLICT (name) DO NOTHING")
                .With("@name", name)
                .With("@now", now.ToDb())
                .ExecuteAsync(cancellationToken);
            return await connection.CreateCommand(transaction, $"""
                    UPDATE timers SET leased_until = @lease_until, lease_owner = @owner
                    WHERE name IN (
                        SELECT name FROM timers
                        WHERE name = @name AND due_at <= @now AND (leased_until IS NULL OR leased_until < @now){database.ForUpdateSkipLocked})
                    """)
                .With("@name", name)
                .With("@now", now.ToDb())
                .With("@lease_until", leaseUntil.ToDb())
                .With("@owner", owner)
                .ExecuteAsync(cancellationToken) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task CompleteAsync(string name, string owner, DateTimeOffset nextDue, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, """
                    UPDATE timers SET due_at = @next_due, leased_until = NULL, lease_owner = NULL
                    WHERE name = @name AND lease_owner = @owner
                    """)
                .With("@name", name)
                .With("@owner", owner)
                .With("@next_due", nextDue.ToDb())
                .ExecuteAsync(cancellationToken),
            cancellationToken);
}
