using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace SetHub.Storage.Sqlite;

/// <summary>
/// The one thread that writes to the SQLite file. Microsoft.Data.Sqlite runs its async API synchronously, so a write
/// (and its fsync) made on an Orleans scheduler thread would block it; here every write is queued to this thread
/// instead. Writes queued while one commits are committed together (group commit): each runs in a savepoint of one
/// transaction, so one failing write rolls back alone, and one fsync serves them all.
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    private const int MaxGroup = 512;

    private readonly BlockingCollection<IWork> _queue = new();
    private readonly Thread _thread;
    private readonly string _connectionString;

    public SqliteWriter(string connectionString)
    {
        _connectionString = connectionString;
        _thread = new Thread(Run) { IsBackground = true, Name = "SetHub SQLite writer" };
        _thread.Start();
    }

    /// <summary>Queues a write; it runs in its own savepoint of the next group's transaction.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        var item = new Work<T>(work, cancellationToken);
        _queue.Add(item, CancellationToken.None);
        return item.Task;
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
    }

    private void Run()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        var group = new List<IWork>(MaxGroup);
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            group.Clear();
            group.Add(first);
            while (group.Count < MaxGroup && _queue.TryTake(out var next))
            {
                group.Add(next);
            }

            Commit(connection, group);
        }
    }

    private static void Commit(SqliteConnection connection, List<IWork> group)
    {
        try
        {
            using (var transaction = connection.BeginTransaction(deferred: false)) // BEGIN IMMEDIATE
            {
                foreach (var work in group)
                {
                    work.Run(connection, transaction);
                }

                transaction.Commit(); // synchronous=FULL: durable when this returns
            }

            foreach (var work in group)
            {
                work.Complete();
            }
        }
        catch (Exception exception)
        {
            foreach (var work in group)
            {
                work.Fail(exception);
            }
        }
    }

    private interface IWork
    {
        void Run(SqliteConnection connection, SqliteTransaction transaction);

        void Complete();

        void Fail(Exception exception);
    }

    private sealed class Work<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken) : IWork
    {
        private const string Savepoint = "work";
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Exception? _failure;
        private T? _result;

        public Task<T> Task => _completion.Task;

        public void Run(SqliteConnection connection, SqliteTransaction transaction)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                _failure = new OperationCanceledException(cancellationToken);
                return;
            }

            transaction.Save(Savepoint);
            try
            {
                // Completes synchronously: the driver's async methods do.
                _result = work(connection, transaction).GetAwaiter().GetResult();
                transaction.Release(Savepoint);
            }
            catch (Exception exception)
            {
                transaction.Rollback(Savepoint);
                transaction.Release(Savepoint);
                _failure = exception;
            }
        }

        public void Complete()
        {
            if (_failure is null)
            {
                _completion.TrySetResult(_result!);
            }
            else
            {
                _completion.TrySetException(_failure);
            }
        }

        public void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
