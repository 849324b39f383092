using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using SetHub.Storage.Relational;

namespace SetHub.Storage.Tests;

/// <summary>
/// A <see cref="RelationalDatabase"/> that passes everything to a real one and counts the commands run on read
/// connections and the write transactions, so tests can prove how many queries the providers send. Reads can be held
/// at a gate (<see cref="HoldReads"/>) to make the order of concurrent reads deterministic.
/// </summary>
public sealed class CountingDatabase(RelationalDatabase inner) : RelationalDatabase
{
    private int _readCommands;
    private int _writes;
    private TaskCompletionSource? _gate;

    /// <summary>Commands executed on connections opened by <see cref="OpenAsync"/>.</summary>
    public int ReadCommands => Volatile.Read(ref _readCommands);

    /// <summary>Calls of <see cref="WriteAsync{T}"/>.</summary>
    public int Writes => Volatile.Read(ref _writes);

    public RelationalDatabase Inner => inner;

    /// <summary>Makes every <see cref="OpenAsync"/> wait until the returned object is disposed.</summary>
    public IDisposable HoldReads()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gate = gate;
        return new Release(() =>
        {
            _gate = null;
            gate.TrySetResult();
        });
    }

    public void ResetCounts()
    {
        Volatile.Write(ref _readCommands, 0);
        Volatile.Write(ref _writes, 0);
    }

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        return new CountingConnection(await inner.OpenAsync(cancellationToken), () => Interlocked.Increment(ref _readCommands));
    }

    public override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        return inner.WriteAsync(work, cancellationToken);
    }

    public override string InList(string parameterName) => inner.InList(parameterName);

    public override void AddList(DbCommand command, string parameterName, IReadOnlyList<string> values) =>
        inner.AddList(command is CountingCommand counting ? counting.Inner : command, parameterName, values);

    public override string ForUpdate => inner.ForUpdate;

    public override string ForShare => inner.ForShare;

    public override string OrleansTable(string name) => inner.OrleansTable(name);

    // The SET log's batches go to the real database's own (bulk) form, uncounted.
    public override int LogLanes => inner.LogLanes;

    public override Task ExecuteLogBatchAsync(IReadOnlyList<Relational.SetLog.LogOperation> operations, CancellationToken cancellationToken) =>
        inner.ExecuteLogBatchAsync(operations, cancellationToken);

    private sealed class Release(Action release) : IDisposable
    {
        public void Dispose() => release();
    }

    private sealed class CountingConnection(DbConnection inner, Action counted) : DbConnection
    {
        [AllowNull]
        public override string ConnectionString
        {
            get => inner.ConnectionString;
            set => inner.ConnectionString = value;
        }

        public override string Database => inner.Database;

        public override string DataSource => inner.DataSource;

        public override string ServerVersion => inner.ServerVersion;

        public override ConnectionState State => inner.State;

        public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);

        public override void Close() => inner.Close();

        public override void Open() => inner.Open();

        protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => inner.BeginTransaction(isolationLevel);

        protected override DbCommand CreateDbCommand() => new CountingCommand(inner.CreateCommand(), this, counted);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }

    private sealed class CountingCommand(DbCommand inner, DbConnection connection, Action counted) : DbCommand
    {
        public DbCommand Inner => inner;

        [AllowNull]
        public override string CommandText
        {
            get => inner.CommandText;
            set => inner.CommandText = value;
        }

        public override int CommandTimeout
        {
            get => inner.CommandTimeout;
            set => inner.CommandTimeout = value;
        }

        public override CommandType CommandType
        {
            get => inner.CommandType;
            set => inner.CommandType = value;
        }

        public override bool DesignTimeVisible
        {
            get => inner.DesignTimeVisible;
            set => inner.DesignTimeVisible = value;
        }

        public override UpdateRowSource UpdatedRowSource
        {
            get => inner.UpdatedRowSource;
            set => inner.UpdatedRowSource = value;
        }

        protected override DbConnection? DbConnection
        {
            get => connection;
            set => throw new NotSupportedException();
        }

        protected override DbParameterCollection DbParameterCollection => inner.Parameters;

        protected override DbTransaction? DbTransaction
        {
            get => inner.Transaction;
            set => inner.Transaction = value;
        }

        public override void Cancel() => inner.Cancel();

        public override void Prepare() => inner.Prepare();

        protected override DbParameter CreateDbParameter() => inner.CreateParameter();

        public override int ExecuteNonQuery()
        {
            counted();
            return inner.ExecuteNonQuery();
        }

        public override object? ExecuteScalar()
        {
            counted();
            return inner.ExecuteScalar();
        }

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
        {
            counted();
            return inner.ExecuteReader(behavior);
        }

        public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
        {
            counted();
            return inner.ExecuteNonQueryAsync(cancellationToken);
        }

        public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
        {
            counted();
            return inner.ExecuteScalarAsync(cancellationToken);
        }

        protected override Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
        {
            counted();
            return inner.ExecuteReaderAsync(behavior, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
