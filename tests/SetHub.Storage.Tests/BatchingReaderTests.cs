using SetHub.Storage.Relational.Batching;

namespace SetHub.Storage.Tests;

/// <summary>How <see cref="BatchingReader{TKey, TResult}"/> groups concurrent reads, with loads held open by a gate
/// instead of timed waits.</summary>
public sealed class BatchingReaderTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadAsync_ALoneRead_IsLoadedAtOnceByItself()
    {
        var loads = new RecordingLoader();
        var reader = new BatchingReader<int, string>(loads.LoadAsync);

        Assert.Equal("v7", await reader.ReadAsync(7, Cancel));

        Assert.Equal([[7]], loads.Batches);
    }

    [Fact]
    public async Task ReadAsync_ReadsArrivingWhileABatchIsInFlight_FormTheNextBatch()
    {
        var loads = new RecordingLoader { Held = true };
        var reader = new BatchingReader<int, string>(loads.LoadAsync);

        var first = reader.ReadAsync(0, Cancel);
        var rest = Enumerable.Range(1, 9).Select(key => reader.ReadAsync(key, Cancel)).ToArray();
        loads.Release();

        Assert.Equal("v0", await first);
        Assert.Equal(Enumerable.Range(1, 9).Select(key => $"v{key}"), await Task.WhenAll(rest));
        Assert.Equal([[0], [1, 2, 3, 4, 5, 6, 7, 8, 9]], loads.Batches);
    }

    [Fact]
    public async Task ReadAsync_ManyWaitingReads_GoOutInFullBatchesSideBySide_UpToTheLimit()
    {
        var loads = new RecordingLoader { Held = true };
        var reader = new BatchingReader<int, string>(loads.LoadAsync, maxBatchSize: 10, maxConcurrentBatches: 3);

        var reads = Enumerable.Range(0, 36).Select(key => reader.ReadAsync(key, Cancel)).ToArray();
        await loads.StartedAsync(3).WaitAsync(Cancel); // [0] alone, then two full batches beside it; 15 reads wait
        Assert.Equal(3, loads.InFlight);
        loads.Release();

        Assert.Equal(Enumerable.Range(0, 36).Select(key => $"v{key}"), await Task.WhenAll(reads));
        Assert.Equal(3, loads.MostInFlight);
        Assert.All(loads.Batches, batch => Assert.InRange(batch.Count, 1, 10));
        Assert.Equal(5, loads.Batches.Count);
        Assert.Equal(Enumerable.Range(0, 36), loads.Batches.SelectMany(batch => batch).Order());
    }

    [Fact]
    public async Task ReadAsync_WhenALoadFails_FailsTheReadsOfThatBatchOnly()
    {
        var loads = new RecordingLoader { Held = true, FailWhen = batch => batch.Contains(1) };
        var reader = new BatchingReader<int, string>(loads.LoadAsync);

        var first = reader.ReadAsync(0, Cancel);
        var failing = new[] { reader.ReadAsync(1, Cancel), reader.ReadAsync(2, Cancel) };
        loads.Release();

        Assert.Equal("v0", await first);
        foreach (var read in failing)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => read);
        }

        Assert.Equal("v3", await reader.ReadAsync(3, Cancel));
    }

    [Fact]
    public async Task ReadAsync_OfOneKeyTwiceInABatch_LoadsItOnceAndAnswersBoth()
    {
        var loads = new RecordingLoader { Held = true };
        var reader = new BatchingReader<int, string>(loads.LoadAsync);

        var first = reader.ReadAsync(0, Cancel);
        var twice = new[] { reader.ReadAsync(5, Cancel), reader.ReadAsync(5, Cancel) };
        loads.Release();

        await first;
        Assert.Equal(new string?[] { "v5", "v5" }, await Task.WhenAll(twice));
        Assert.Equal([5], loads.Batches[1]);
    }

    [Fact]
    public async Task ReadAsync_OfAKeyTheLoadDidNotFind_ReadsAsDefault()
    {
        var loads = new RecordingLoader { Missing = key => key % 2 == 1 };
        var reader = new BatchingReader<int, string>(loads.LoadAsync);

        Assert.Null(await reader.ReadAsync(1, Cancel));
        Assert.Equal("v2", await reader.ReadAsync(2, Cancel));
    }

    [Fact]
    public async Task ReadAsync_CancelledByOneCaller_StillAnswersTheOthersOfItsBatch()
    {
        var loads = new RecordingLoader { Held = true };
        var reader = new BatchingReader<int, string>(loads.LoadAsync);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(Cancel);

        var first = reader.ReadAsync(0, Cancel);
        var cancelled = reader.ReadAsync(1, giveUp.Token);
        var other = reader.ReadAsync(2, Cancel);
        await giveUp.CancelAsync();
        loads.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal("v0", await first);
        Assert.Equal("v2", await other);
    }

    /// <summary>A load function that records its batches and, while held, keeps every load open.</summary>
    private sealed class RecordingLoader
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _lock = new();
        private readonly List<(int Count, TaskCompletionSource Reached)> _startWaiters = [];
        private int _inFlight;

        /// <summary>Whether loads wait for <see cref="Release"/>.</summary>
        public bool Held { get; init; }

        public Func<IReadOnlyList<int>, bool> FailWhen { get; init; } = _ => false;

        public Func<int, bool> Missing { get; init; } = _ => false;

        public List<List<int>> Batches { get; } = [];

        public int InFlight
        {
            get
            {
                lock (_lock)
                {
                    return _inFlight;
                }
            }
        }

        public int MostInFlight { get; private set; }

        public void Release() => _gate.TrySetResult();

        /// <summary>Completes once <paramref name="count"/> loads have started.</summary>
        public Task StartedAsync(int count)
        {
            lock (_lock)
            {
                if (Batches.Count >= count)
                {
                    return Task.CompletedTask;
                }

                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _startWaiters.Add((count, reached));
                return reached.Task;
            }
        }

        public async Task<IReadOnlyDictionary<int, string>> LoadAsync(IReadOnlyList<int> keys, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                Batches.Add([.. keys]);
                MostInFlight = Math.Max(MostInFlight, ++_inFlight);
                foreach (var (count, reached) in _startWaiters.Where(w => Batches.Count >= w.Count))
                {
                    reached.TrySetResult();
                }
            }

            try
            {
                if (Held)
                {
                    await _gate.Task;
                }

                if (FailWhen(keys))
                {
                    throw new InvalidOperationException("the database is down");
                }

                return keys.Where(key => !Missing(key)).ToDictionary(key => key, key => $"v{key}");
            }
            finally
            {
                lock (_lock)
                {
                    _inFlight--;
                }
            }
        }
    }
}
