using System.Data.Common;

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

    /// <summary>Row-lock clause that makes a concurrent update of the rows wait for this transaction (<c>FOR SHARE</c>):
    /// a stream's log writes share-lock its head, so a new activation's claim waits for them. Empty where writers are
    /// serialized anyway.</summary>
    public virtual string ForShare => string.Empty;

    /// <summary>Row-lock clause for a row a transaction reads in order to rewrite it from what it read (<c>FOR
    /// UPDATE</c>; the membership version row), or empty where writers are serialized anyway.</summary>
    public virtual string ForUpdate => string.Empty;

    /// <summary>How many SET log batches may be in flight at once (see <see cref="SetLog.LogCommitter"/>).</summary>
    public virtual int LogLanes => 1;

    /// <summary>Runs one batch of SET log operations in one transaction, setting each operation's result. Providers
    /// may override with a bulk form; the results must be the same.</summary>
    public virtual Task ExecuteLogBatchAsync(IReadOnlyList<SetLog.LogOperation> operations, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => SetLog.RowByRowLogBatch.ExecuteAsync(this, connection, transaction, operations, cancellationToken), cancellationToken);

    /// <summary>The name to use in SQL for a table of SetHub's Orleans providers (grain state, reminders, membership):
    /// the bare name where they sit beside the other tables, a schema-qualified one where they have a schema of their
    /// own (PostgreSQL keeps them apart from the tables keyed by tenant).</summary>
    public virtual string OrleansTable(string name) => name;

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
