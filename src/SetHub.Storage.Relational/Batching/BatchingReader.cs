namespace SetHub.Storage.Relational.Batching;

/// <summary>
/// Merges concurrent single-key reads into batched loads. A read that arrives while no batch is in flight is loaded
/// at once (alone, so a lone read costs one round trip and no added latency); reads that arrive while a batch is in
/// flight wait for it and form the next batch, so the batch size follows the load: the next batch forms while one is
/// in flight, with no timer and no fixed sleep. When a full batch is already waiting, further batches run beside the
/// first one, up to <c>maxConcurrentBatches</c>, so a fan-out over many keys costs about
/// <c>keys / maxBatchSize</c> loads rather than one per key.
/// </summary>
/// <typeparam name="TKey">The key of one read.</typeparam>
/// <typeparam name="TResult">What one key loads to.</typeparam>
public sealed class BatchingReader<TKey, TResult>
    where TKey : notnull
{
    private readonly Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TResult>>> _load;
    private readonly int _maxBatchSize;
    private readonly int _maxConcurrentBatches;
    private readonly IEqualityComparer<TKey> _comparer;
    private readonly Lock _lock = new();
    private readonly Queue<(TKey Key, TaskCompletionSource<TResult?> Waiter)> _pending = new();
    private int _inFlight;

    /// <summary>Creates a reader over <paramref name="load"/>.</summary>
    /// <param name="load">Loads the distinct keys of one batch and returns what it found; a key it leaves out reads
    /// as <see langword="default"/>. It runs on the thread pool, never in a caller's context, and is not cancelled
    /// when one caller gives up (the other callers of the batch still want the answer).</param>
    /// <param name="maxBatchSize">The most reads one load serves.</param>
    /// <param name="maxConcurrentBatches">The most loads in flight at once.</param>
    /// <param name="comparer">How keys are compared; the default comparer when <see langword="null"/>.</param>
    public BatchingReader(
        Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TResult>>> load,
        int maxBatchSize = 500,
        int maxConcurrentBatches = 4,
        IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentBatches, 1);
        _load = load;
        _maxBatchSize = maxBatchSize;
        _maxConcurrentBatches = maxConcurrentBatches;
        _comparer = comparer ?? EqualityComparer<TKey>.Default;
    }

    /// <summary>Reads one key, in whichever batch it joins. Cancelling stops the wait, not the shared load.</summary>
    public Task<TResult?> ReadAsync(TKey key, CancellationToken cancellationToken = default)
    {
        // Continuations run asynchronously: completing a batch must not run its callers' code on the loading thread.
        var waiter = new TaskCompletionSource<TResult?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _pending.Enqueue((key, waiter));
            StartBatches();
        }

        return cancellationToken.CanBeCanceled ? waiter.Task.WaitAsync(cancellationToken) : waiter.Task;
    }

    // Called under _lock. One batch always runs when reads wait; more run beside it only for full batches, so
    // partial batches keep gathering reads instead of going out one key at a time.
    private void StartBatches()
    {
        while (_pending.Count > 0 && _inFlight < _maxConcurrentBatches && (_inFlight == 0 || _pending.Count >= _maxBatchSize))
        {
            var batch = new List<(TKey Key, TaskCompletionSource<TResult?> Waiter)>(Math.Min(_pending.Count, _maxBatchSize));
            while (batch.Count < _maxBatchSize && _pending.TryDequeue(out var read))
            {
                batch.Add(read);
            }

            _inFlight++;
            _ = Task.Run(() => RunAsync(batch));
        }
    }

    private async Task RunAsync(List<(TKey Key, TaskCompletionSource<TResult?> Waiter)> batch)
    {
        try
        {
            var keys = batch.Select(read => read.Key).Distinct(_comparer).ToArray();
            var found = await _load(keys, CancellationToken.None);
            foreach (var (key, waiter) in batch)
            {
                waiter.TrySetResult(found.TryGetValue(key, out var result) ? result : default);
            }
        }
#pragma warning disable CA1031 // Whatever the load throws belongs to every read of the batch, not to the thread pool.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            foreach (var (_, waiter) in batch)
            {
                waiter.TrySetException(exception);
            }
        }
        finally
        {
            lock (_lock)
            {
                _inFlight--;
                StartBatches();
            }
        }
    }
}
