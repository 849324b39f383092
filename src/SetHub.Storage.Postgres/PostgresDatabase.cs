using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using SetHub.Core.Storage;
using SetHub.Storage.Relational;
using SetHub.Storage.Relational.SetLog;

namespace SetHub.Storage.Postgres;

/// <summary>
/// PostgreSQL for a cluster of nodes. Writes are short READ COMMITTED transactions; SET log batches are written with
/// array parameters as one implicit transaction in one round trip; migrations run under an advisory lock, so nodes
/// starting together migrate once.
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

        // SetHub keeps no session state on pooled connections (no SET, no temporary tables, no session-level locks),
        // so the DISCARD ALL Npgsql sends when a connection returns to the pool is pure overhead: roughly one extra
        // statement per query. An explicit setting in the connection string wins.
        if (!builder.ContainsKey("No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }

        // A node frozen (stopped, swapped out, paused VM) half-way through a transaction would keep its row locks until
        // it wakes, stalling the survivors that take over its streams. The server ends such a session instead; no
        // SetHub transaction waits on its client for anywhere near this long. An explicit setting wins.
        if (builder.Options?.Contains("idle_in_transaction_session_timeout", StringComparison.Ordinal) != true)
        {
            builder.Options = $"{builder.Options} -c idle_in_transaction_session_timeout={(int)IdleInTransactionTimeout.TotalMilliseconds}".Trim();
        }

        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>How long the server lets one of SetHub's sessions sit idle inside a transaction before ending it.</summary>
    public static TimeSpan IdleInTransactionTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public override string ForShare => " FOR SHARE";

    /// <inheritdoc />
    public override string ForUpdate => " FOR UPDATE";

    /// <inheritdoc />
    public override int LogLanes => 4;

    /// <inheritdoc />
    public override Task ExecuteLogBatchAsync(IReadOnlyList<LogOperation> operations, CancellationToken cancellationToken) =>
        PostgresLogBatch.CanRun(operations)
            ? RetryTransientAsync(
                async connection =>
                {
                    // One batch as PostgreSQL's implicit transaction: every statement up to the batch's single Sync
                    // commits or rolls back together, in one round trip. No BEGIN/COMMIT exchange means no moment at
                    // which the server holds this batch's locks while waiting on the client.
                    await PostgresLogBatch.ExecuteAsync(connection, operations, cancellationToken);
                    return true;
                },
                cancellationToken)
            : base.ExecuteLogBatchAsync(operations, cancellationToken);

    /// <summary>The Orleans provider tables live in the <c>orleans</c> schema (migration 0003).</summary>
    public override string OrleansTable(string name) => "orleans." + name;

    /// <inheritdoc />
    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <inheritdoc />
    public override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RetryTransientAsync(
            async connection =>
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var result = await work(connection, transaction);
                // Once the work is done, the commit is not cancelled: a cancel during COMMIT could report a failure for
                // a transaction that did commit, and a client told "not accepted" would publish again.
                await transaction.CommitAsync(CancellationToken.None);
                return result;
            },
            cancellationToken);
    }

    // Runs a transaction on a connection of its own, again after a deadlock or serialization failure: it was rolled back
    // as a whole, so running it again is safe. Lock orders are kept consistent, so this is rare: a jittered pause lets
    // the other transaction finish first.
    private async Task<T> RetryTransientAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                return await work(connection);
            }
            catch (PostgresException exception) when (IsTransient(exception) && attempt < MaxWriteAttempts)
            {
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

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default) =>
        await new MigrationRunner(this, typeof(PostgresDatabase).Assembly).RunAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
