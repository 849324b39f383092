using System.Data.Common;
using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary>
/// What differs between the relational providers: how connections and write transactions are made, how a list of
/// strings is passed as one parameter, and how rows are locked for a claim.
/// </summary>
public abstract class RelationalDatabase
{
    /// <summary>Opens a connection for reading.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> in one write transaction and commits it.</summary>
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>SQL that tests a column against a list parameter, e.g. <c>IN (SELECT value FROM json_each(@p))</c>
    /// or <c>= ANY(@p)</c>; used as <c>column {InList("@p")}</c>.</summary>
    public abstract string InList(string parameterName);

    /// <summary>Adds a list-of-strings parameter in the form <see cref="InList"/> expects.</summary>
    public abstract void AddList(DbCommand command, string parameterName, IReadOnlyList<string> values);

    /// <summary>The two-argument minimum function: <c>MIN</c> in SQLite, <c>LEAST</c> in PostgreSQL.</summary>
    public abstract string Least { get; }

    /// <summary>Row-lock clause for claiming rows that other nodes must skip (<c>FOR UPDATE SKIP LOCKED</c>), or
    /// empty where writers are serialized anyway.</summary>
    public virtual string ForUpdateSkipLocked => string.Empty;

    /// <summary>Row-lock clause that makes a concurrent update of the rows wait for this transaction
    /// (<c>FOR SHARE</c>), or empty where writers are serialized anyway.</summary>
    public virtual string ForShare => string.Empty;

    /// <summary>Row-lock clause for rows a transaction reads in order to rewrite them from what it read
    /// (<c>FOR UPDATE</c>), or empty where writers are serialized anyway.</summary>
    public virtual string ForUpdate => string.Empty;

    /// <summary>The name to use in SQL for a table of SetHub's Orleans providers (grain state, reminders, membership):
    /// the bare name where they sit beside the other tables, a schema-qualified one where they have a schema of their
    /// own (PostgreSQL keeps them apart from the tables keyed by tenant).</summary>
    public virtual string OrleansTable(string name) => name;

    /// <summary>Inserts SETs into the queue in the caller's transaction, each in the lane its stream gives it, skipping
    /// SETs whose stream is gone or disabled (non-control SETs). Providers may override with a bulk form.</summary>
    public virtual Task<IReadOnlyList<EnqueuedSet>> InsertSetsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<QueuedSet> sets, CancellationToken cancellationToken) =>
        QueueWriter.InsertRowByRowAsync(connection, transaction, sets, cancellationToken);

    /// <summary>Tells the push scheduler these streams have work from <paramref name="now"/> (see
    /// <see cref="QueueWriter.MarkDueAssignments"/>). Providers may override with a bulk form.</summary>
    public virtual Task MarkPushDueAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<(string TenantId, string StreamId)> streams, DateTimeOffset now, bool resetBackoff, CancellationToken cancellationToken) =>
        QueueWriter.MarkDueRowByRowAsync(this, connection, transaction, streams, now, resetBackoff, cancellationToken);

    /// <summary>Makes concurrent migration runs wait for each other (inside the migration transaction).</summary>
    public virtual Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>Runs <paramref name="work"/> in one write transaction.</summary>
    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken) =>
        WriteAsync<bool>(async (connection, transaction) =>
        {
            await work(connection, transaction);
            return true;
        }, cancellationToken);
}
