using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using SetHub.Core.Delivery;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Core.Tenants;
using SetHub.Grains.Delivery;
using SetHub.Grains.Silos;
using SetHub.Grains.Streams;
using SetHub.Grains.Tenants;
using SetHub.Storage.Relational;
using SetHub.Storage.Sqlite;

namespace SetHub.Grains.Tests.Infrastructure;

/// <summary>
/// An in-process Orleans test cluster of two silos running SetHub's grains on SetHub's providers over one SQLite file,
/// with a scripted push sender. Calls time out after a few seconds, so a call cycle fails fast instead of hanging a test.
/// Several clusters may share one database (<see cref="StartBesideAsync"/>):
/// each has its own membership and directory, so each activates its own copy of a grain — a split brain on demand.
/// </summary>
public sealed class GrainCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;
    private readonly string? _folder;

    private GrainCluster(InProcessTestCluster cluster, SqliteDatabase database, TestSiloServices services, TestPushDispatcher pushes, string? folder)
    {
        _cluster = cluster;
        Database = database;
        Services = services;
        Pushes = pushes;
        _folder = folder;
    }

    /// <summary>The reminder period of every stream in these tests.</summary>
    public static readonly TimeSpan ReminderPeriod = TimeSpan.FromSeconds(2);

    public SqliteDatabase Database { get; }

    public TestSiloServices Services { get; }

    public TestPushDispatcher Pushes { get; }

    /// <summary>What each silo's agent was told.</summary>
    public ConcurrentBag<RecordingSiloTargets> Targets { get; } = [];

    public IGrainFactory Grains => _cluster.Client;

    public InProcessTestCluster Cluster => _cluster;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A cluster on a fresh SQLite file.</summary>
    public static async Task<GrainCluster> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sethub-grain-tests", Guid.NewGuid().ToString("N"));
        var database = new SqliteDatabase($"Data Source={Path.Combine(folder, "grains.db")}");
        await database.InitializeAsync(Cancel);
        var cluster = await StartAsync(database, new TestSiloServices(), new TestPushDispatcher(), folder);
        return cluster;
    }

    /// <summary>Another cluster on the database of <paramref name="other"/>, sharing its master key and push sender.</summary>
    public static Task<GrainCluster> StartBesideAsync(GrainCluster other) => StartAsync(other.Database, other.Services, other.Pushes, folder: null);

    private static async Task<GrainCluster> StartAsync(SqliteDatabase database, TestSiloServices services, TestPushDispatcher pushes, string? folder)
    {
        var targets = new ConcurrentBag<RecordingSiloTargets>();
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddRelationalStores(database);
            silo.Services.AddSingleton(services.Protector);
            silo.Services.AddSingleton<ITransmitterUrls>(services);
            silo.Services.AddSingleton<ISigningKeySource>(services);
            silo.Services.AddSingleton<IPushDispatcher>(pushes);
            silo.Services.AddSingleton(sp =>
            {
                var recording = new RecordingSiloTargets();
                targets.Add(recording);
                return recording;
            });
            silo.Services.AddSingleton<ILocalTenantSnapshots>(sp => sp.GetRequiredService<RecordingSiloTargets>());
            silo.Services.AddSingleton<ILocalPollWaiters>(sp => sp.GetRequiredService<RecordingSiloTargets>());
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddSingleton(Random.Shared);
            silo.Services.Configure<DeliveryOptions>(options =>
            {
                options.RetryBaseDelay = TimeSpan.FromMilliseconds(200);
                options.MaxRetryDelay = TimeSpan.FromSeconds(2);
            });
            silo.Services.Configure<PollOptions>(_ => { });
            silo.Services.Configure<StreamOptions>(options => options.ReminderPeriod = ReminderPeriod);
            silo.Services.Configure<Core.Signing.SigningKeyOptions>(_ => { });
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = ReminderPeriod);
            silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(10));
            silo.AddSetHubGrainStorage(GrainStorageNames.Streams);
            silo.AddSetHubGrainStorage(GrainStorageNames.Tenants);
            silo.UseSetHubReminders();
            silo.AddSetHubGrains();
        });
        var cluster = builder.Build();
        await cluster.DeployAsync(Cancel);
        var grainCluster = new GrainCluster(cluster, database, services, pushes, folder);
        foreach (var target in targets)
        {
            grainCluster.Targets.Add(target);
        }

        return grainCluster;
    }

    /// <summary>A tenant with one receiver.</summary>
    public async Task<(string TenantId, string ReceiverId)> CreateTenantAsync(string? body = null)
    {
        var tenantId = "t" + Guid.NewGuid().ToString("N")[..12];
        var created = await Grains.GetGrain<ITenantGrain>(tenantId).Put(body ?? """{"default_subjects":"ALL","events_supported":["https://example.com/event"]}""");
        Assert.True(created.IsSuccess, created.Error?.Description);
        var receiver = await Grains.GetGrain<ITenantGrain>(tenantId).RegisterReceiver("rp", "https://rp.example.com", "ES256");
        return (tenantId, receiver.Value!.Receiver.ReceiverId);
    }

    /// <summary>A stream created through its tenant; push unless <paramref name="push"/> is false.</summary>
    public async Task<StreamKey> CreateStreamAsync(string tenantId, string receiverId, bool push = true)
    {
        var body = push
            ? """{"events_requested":["https://example.com/event"],"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"https://rp.example.com/events"}}"""
            : """{"events_requested":["https://example.com/event"]}""";
        var stream = await Grains.GetGrain<ITenantGrain>(tenantId).CreateStream(receiverId, body);
        Assert.True(stream.IsSuccess, stream.Error?.Description);
        return new StreamKey(tenantId, stream.Value!.StreamId);
    }

    public IStreamGrain Stream(StreamKey key) => Grains.GetGrain<IStreamGrain>(key.ToString());

    /// <summary>A SET to append, as fan-out signs it.</summary>
    public static SetToAppend Set(string jti) => new(jti, $"header.{jti}.signature", "https://example.com/event", DateTimeOffset.UtcNow);

    /// <summary>The queued SETs of a stream, as stored.</summary>
    public Task<IReadOnlyList<LogEntry>> StoredAsync(StreamKey key) =>
        new Storage.Relational.SetLog.RelationalSetLog(Database, new Storage.Relational.SetLog.LogCommitter(1, 100, Database.ExecuteLogBatchAsync, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance))
            .ReadAsync(key, long.MinValue, 10_000, cancellationToken: Cancel);

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        if (_folder is not null)
        {
            Database.Dispose();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }
}
