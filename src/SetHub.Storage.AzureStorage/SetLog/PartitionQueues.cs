using System.Collections.Concurrent;
using SetHub.Core.Storage;

namespace SetHub.Storage.AzureStorage.SetLog;

/// <summary>
/// Group commit for Azure Table, where a transaction never spans partitions: each stream's operations queue for its
/// own partition and run strictly in the order they were made, one group at a time; what arrives while a group is in
/// flight forms the next group. Partitions run in parallel with each other, at most
/// <paramref name="maxConcurrentPartitions"/> at once. So a lower position never commits after a higher one, and one
/// slow partition holds up nobody else.
/// </summary>
internal sealed class PartitionQueues(Func<StreamKey, List<AzureLogOperation>, Task> execute, int maxConcurrentPartitions) : IDisposable
{
    private readonly ConcurrentDictionary<StreamKey, Partition> _partitions = new();
    private readonly SemaphoreSlim _concurrency = new(maxConcurrentPartitions, maxConcurrentPartitions);

    public void Submit(AzureLogOperation operation)
    {
        while (true)
        {
            var partition = _partitions.GetOrAdd(operation.Stream, static stream => new Partition(stream));
            lock (partition)
            {
                if (partition.Retired)
                {
                    continue; // it went idle and left the map just now: queue on its successor
                }

                partition.Pending.Add(operation);
                if (partition.Running)
                {
                    return; // the running loop takes it with its next group
                }

                partition.Running = true;
            }

            _ = Task.Run(() => RunAsync(partition));
            return;
        }
    }

    private async Task RunAsync(Partition partition)
    {
        while (true)
        {
            List<AzureLogOperation> group;
            lock (partition)
            {
                if (partition.Pending.Count == 0)
                {
                    // Idle: leave the map, so it holds only partitions with work. A submitter that found this partition
                    // before it left sees Retired and makes a new one; only one loop ever runs per stream.
                    partition.Retired = true;
                    _partitions.TryRemove(new KeyValuePair<StreamKey, Partition>(partition.Stream, partition));
                    return;
                }

                group = partition.Pending;
                partition.Pending = [];
            }

            await _concurrency.WaitAsync();
            try
            {
                await execute(partition.Stream, group);
            }
            catch (Exception exception)
            {
                foreach (var operation in group)
                {
                    operation.Fail(exception);
                }
            }
            finally
            {
                _concurrency.Release();
            }
        }
    }

    public void Dispose() => _concurrency.Dispose();

    private sealed class Partition(StreamKey stream)
    {
        public StreamKey Stream { get; } = stream;

        public List<AzureLogOperation> Pending { get; set; } = [];

        public bool Running { get; set; }

        public bool Retired { get; set; }
    }
}
