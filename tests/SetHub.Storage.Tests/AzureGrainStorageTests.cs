using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using SetHub.Storage.AzureStorage;
using SetHub.Tests.Shared;
using static SetHub.Storage.Tests.CounterStates;

namespace SetHub.Storage.Tests;

/// <summary>
/// Orleans' Azure grain storages as the AzureStorage mode configures them (Table for stream states, Blob for tenant
/// states, both with Orleans' binary serializer), held to what SetHub's fencing needs from grain state: a first write
/// is insert-if-absent, a write with a stale ETag fails, and of concurrent writers exactly one wins.
/// </summary>
public sealed class AzureGrainStorageTests : IAsyncLifetime
{
    private AzureStorageAccount? _account;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private AzureStorageAccount Account => _account ?? throw new InvalidOperationException("Not initialized.");

    public ValueTask InitializeAsync()
    {
        _account = AzureStorageAccount.Connect(AzuriteTestServer.RequireConnectionString(), AzuriteTestServer.NewPrefix());
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_account is not null)
        {
            await _account.Tables.DeleteTableAsync(_account.Names.StreamStates, Cancel);
            await _account.Blobs.GetBlobContainerClient(_account.Names.TenantStates).DeleteIfExistsAsync(cancellationToken: Cancel);
        }
    }

    public static TheoryData<string> Kinds => ["table", "blob"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task WriteThenRead_RoundTripsTheState_AndEachWriteMovesTheEtag(string kind)
    {
        var storage = await CreateAsync(kind);
        var grain = GrainId.Create("counter-grain", Guid.NewGuid().ToString("N"));
        var state = Counter(7);

        await storage.WriteStateAsync(StateName, grain, state, Cancel);
        var first = state.ETag;
        state.State!.Count = 8;
        await storage.WriteStateAsync(StateName, grain, state, Cancel);
        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, read, Cancel);

        Assert.NotEqual(first, state.ETag);
        Assert.True(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal(8, read.State!.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AFirstWrite_WhenTheStateExists_IsRefused(string kind)
    {
        // A second activation that read nothing (ETag null) must not overwrite what the first one wrote.
        var storage = await CreateAsync(kind);
        var grain = GrainId.Create("counter-grain", Guid.NewGuid().ToString("N"));
        await storage.WriteStateAsync(StateName, grain, Counter(1), Cancel);

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, Counter(2), Cancel));

        Assert.Equal(1, (await ReadAsync(storage, grain)).State!.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AWriteWithAStaleEtag_IsRefused(string kind)
    {
        var storage = await CreateAsync(kind);
        var grain = GrainId.Create("counter-grain", Guid.NewGuid().ToString("N"));
        var current = Counter(1);
        await storage.WriteStateAsync(StateName, grain, current, Cancel);
        var stale = Counter(100, current.ETag);
        await storage.WriteStateAsync(StateName, grain, current, Cancel);

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, stale, Cancel));

        Assert.Equal(1, (await ReadAsync(storage, grain)).State!.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ConcurrentWriters_OfOneEtag_OrOfAFirstWrite_ExactlyOneWins(string kind)
    {
        var storage = await CreateAsync(kind);
        var fresh = GrainId.Create("counter-grain", Guid.NewGuid().ToString("N"));
        var seeded = GrainId.Create("counter-grain", Guid.NewGuid().ToString("N"));
        var seed = Counter(0);
        await storage.WriteStateAsync(StateName, seeded, seed, Cancel);

        var firsts = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => TryWriteAsync(storage, fresh, Counter(i))));
        var updates = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => TryWriteAsync(storage, seeded, Counter(i, seed.ETag))));

        Assert.Equal(Assert.Single(firsts, won => won is not null), (await ReadAsync(storage, fresh)).State!.Count);
        Assert.Equal(Assert.Single(updates, won => won is not null), (await ReadAsync(storage, seeded)).State!.Count);
    }

    private async Task<IGrainStorage> CreateAsync(string kind)
    {
        if (kind == "table")
        {
            var table = new AzureTableGrainStorage(
                "streams",
                new AzureTableStorageOptions { TableName = Account.Names.StreamStates, TableServiceClient = Account.Tables, GrainStorageSerializer = ProvidersUnderTest.Serializer },
                Options.Create(new ClusterOptions { ServiceId = "service-a", ClusterId = "cluster-a" }),
                NullLogger<AzureTableGrainStorage>.Instance,
                ProvidersUnderTest.Activators);
            await StartedLifecycle.StartAsync(table);
            return table;
        }

        var options = new AzureBlobStorageOptions { ContainerName = Account.Names.TenantStates, BlobServiceClient = Account.Blobs, GrainStorageSerializer = ProvidersUnderTest.Serializer };
        var containers = options.BuildContainerFactory(new ServiceCollection().BuildServiceProvider(), options);
        var blob = new AzureBlobGrainStorage("tenants", options, containers, ProvidersUnderTest.Activators, NullLogger<AzureBlobGrainStorage>.Instance);
        await StartedLifecycle.StartAsync(blob);
        return blob;
    }

    /// <summary>Runs a provider's silo-lifecycle start (how a silo initializes Orleans' Azure Table grain storage).</summary>
    private sealed class StartedLifecycle : ISiloLifecycle
    {
        private readonly List<(int Stage, ILifecycleObserver Observer)> _observers = [];

        public int HighestCompletedStage => int.MaxValue;

        public int LowestStoppedStage => int.MinValue;

        public static async Task StartAsync(ILifecycleParticipant<ISiloLifecycle> participant)
        {
            var lifecycle = new StartedLifecycle();
            participant.Participate(lifecycle);
            foreach (var (_, observer) in lifecycle._observers.OrderBy(entry => entry.Stage))
            {
                await observer.OnStart(Cancel);
            }
        }

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            _observers.Add((stage, observer));
            return new Unsubscriber();
        }

        private sealed class Unsubscriber : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
