using Microsoft.Extensions.Logging;

namespace SetHub.Storage.Relational.SetLog;

/// <summary>
/// Group commit for the SET logs of every stream on this node. Operations are spread over a few lanes by stream, so one
/// stream's operations always run in the order they were made; each lane gathers what arrives while its previous batch
/// is in flight and writes it as the next batch, in one transaction. No fixed sleeps: a lone operation goes at once,
/// and under load batches grow by themselves. A batch that fails with a data error is retried stream by stream, so one
/// stream's bad write never fails another's.
/// </summary>
public sealed partial class LogCommitter
{
    private readonly Lane[] _lanes;
    private readonly Func<IReadOnlyList<LogOperation>, CancellationToken, Task> _execute;
    private readonly ILogger _logger;

    /// <summary>Creates the committer.</summary>
    /// <param name="lanes">How many batches may be in flight at once (each on its own connection).</param>
    /// <param name="maxBatchWeight">Roughly how many rows one batch may write.</param>
    /// <param name="execute">Runs one batch in one transaction, setting each operation's result.</param>
    /// <param name="logger">Logs batch failures.</param>
    public LogCommitter(int lanes, int maxBatchWeight, Func<IReadOnlyList<LogOperation>, CancellationToken, Task> execute, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        _execute = execute;
        _logger = logger;
        _lanes = [.. Enumerable.Range(0, lanes).Select(_ => new Lane(this, maxBatchWeight))];
    }

    /// <summary>Queues an operation; its task completes once the batch holding it has committed.</summary>
    public void Submit(LogOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var lane = (int)((uint)StringComparer.Ordinal.GetHashCode(operation.Stream.StreamId) % (uint)_lanes.Length);
        _lanes[lane].Enqueue(operation);
    }

    private async Task ExecuteAsync(List<LogOperation> batch)
    {
        try
        {
            await _execute(batch, CancellationToken.None);
            foreach (var operation in batch)
            {
                operation.Complete();
            }
        }
        catch (Exception exception) when (batch.Select(operation => operation.Stream).Distinct().Count() > 1 && IsDataError(exception))
        {
            // Something about one stream's rows: isolate it, so the others commit.
            LogIsolating(_logger, batch.Count, exception);
            foreach (var streamBatch in batch.GroupBy(operation => operation.Stream))
            {
                await ExecuteAsync([.. streamBatch]);
            }
        }
        catch (Exception exception)
        {
            foreach (var operation in batch)
            {
                operation.Fail(exception);
            }
        }
    }

    // A connection or server failure fails everyone alike; anything else may be one stream's doing.
    private static bool IsDataError(Exception exception) =>
        exception is not (TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException or IOException) &&
        exception.InnerException is not (TimeoutException or System.Net.Sockets.SocketException or IOException) &&
        !(exception is System.Data.Common.DbException { IsTransient: true });

    [LoggerMessage(Level = LogLevel.Warning, Message = "A SET log batch of {Count} operations failed; committing it stream by stream.")]
    private static partial void LogIsolating(ILogger logger, int count, Exception exception);

    private sealed class Lane(LogCommitter committer, int maxBatchWeight)
    {
        private readonly Lock _gate = new();
        private readonly Queue<LogOperation> _queue = new();
        private bool _running;

        public void Enqueue(LogOperation operation)
        {
            lock (_gate)
            {
                _queue.Enqueue(operation);
                if (_running)
                {
                    return; // the running loop takes it with its next batch
                }

                _running = true;
            }

            _ = Task.Run(RunAsync);
        }

        private async Task RunAsync()
        {
            while (true)
            {
                var batch = new List<LogOperation>();
                lock (_gate)
                {
                    var weight = 0;
                    while (_queue.Count > 0 && (batch.Count == 0 || weight + _queue.Peek().Weight <= maxBatchWeight))
                    {
                        var operation = _queue.Dequeue();
                        weight += operation.Weight;
                        batch.Add(operation);
                    }

                    if (batch.Count == 0)
                    {
                        _running = false;
                        return;
                    }
                }

                await committer.ExecuteAsync(batch);
            }
        }
    }
}
