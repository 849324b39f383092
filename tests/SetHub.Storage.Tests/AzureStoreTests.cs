using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Reminders.AzureStorage;
using Orleans.Runtime.ReminderService;
using SetHub.Core.Storage;
using SetHub.Storage.AzureStorage;
using SetHub.Storage.AzureStorage.SetLog;
using SetHub.Tests.Shared;

namespace SetHub.Storage.Tests;

/// <summary>
/// The store contract on Azure Storage (Azurite), each test on tables of its own prefix: SetHub's SET log and rows,
/// and Orleans' Azure Table reminder table as this mode configures it; and what only this store has to get right:
/// transactions split at Azure's limits, tokens split across properties, keys escaped.
/// </summary>
public sealed class AzureStoreTests : StoreContractTests, IAsyncLifetime
{
    private AzureStorageAccount? _account;
    private readonly List<IDisposable> _logs = [];

    private AzureStorageAccount Account => _account ?? throw new InvalidOperationException("Not initialized.");

    protected override ITenantDirectoryStore Directory => new AzureTenantDirectoryStore(Account);

    protected override ISubjectStore Subjects => new AzureSubjectStore(Account);

    protected override IIdempotencyStore IdempotencyKeys => new AzureIdempotencyStore(Account);

    public async ValueTask InitializeAsync()
    {
        _account = AzureStorageAccount.Connect(AzuriteTestServer.RequireConnectionString(), AzuriteTestServer.NewPrefix());
        await new AzureStoreInitializer(_account).InitializeAsync(Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var log in _logs)
        {
            log.Dispose();
        }

        if (_account is not null)
        {
            await Task.WhenAll(_account.Names.OwnTables.Append(_account.Names.Reminders).Select(table => _account.Tables.DeleteTableAsync(table, Cancel)));
        }
    }

    protected override ISetLog CreateSetLog()
    {
        var log = new AzureTableSetLog(Account);
        _logs.Add(log);
        return log;
    }

    // Orleans' own Azure Table reminder table, as a silo of this mode configures it.
    protected override async Task<IReminderTable> CreateReminderTableAsync(string serviceId)
    {
        var table = new AzureBasedReminderTable(
            NullLoggerFactory.Instance,
            Options.Create(new ClusterOptions { ServiceId = serviceId }),
            Options.Create(new AzureTableReminderStorageOptions { TableName = Account.Names.Reminders, TableServiceClient = Account.Tables }));
        await table.StartAsync(Cancel);
        return table;
    }

    protected override Task<(ISetLog Log, IAsyncDisposable Owner)> CreateSetLogOfAnotherNodeAsync() =>
        Task.FromResult<(ISetLog, IAsyncDisposable)>((CreateSetLog(), new NothingToDispose()));

    [Fact]
    public async Task AWriteLargerThanOneTransaction_CommitsInPositionOrder()
    {
        // 130 appends are 260 rows: three transactions, one after another.
        var log = CreateSetLog();
        var stream = new StreamKey("acme", "big");
        var claim = await log.ClaimAsync(stream, "silo-1", 10, Cancel);
        var write = new LogWrite();
        write.Appends.AddRange(Enumerable.Range(1, 130).Select(i => Entry(claim.Head.Epoch, i)));

        Assert.Equal(LogWriteResult.Committed, await log.WriteAsync(stream, claim.Head.Epoch, write, Cancel));

        var read = await log.ReadAsync(stream, long.MinValue, 500, cancellationToken: Cancel);
        Assert.Equal(Enumerable.Range(1, 130).Select(i => $"jti-{i}"), read.Select(entry => entry.Jti));
    }

    [Fact]
    public async Task ATokenLongerThanOneProperty_RoundTrips_AndAnOversizedOneIsRefusedBeforeAnyBatch()
    {
        var log = CreateSetLog();
        var stream = new StreamKey("acme", "large");
        var claim = await log.ClaimAsync(stream, "silo-1", 10, Cancel);
        var token = string.Concat(Enumerable.Range(0, (LogLimits.MaxTokenLength / 10) + 1).Select(i => i.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)))[..LogLimits.MaxTokenLength];
        var write = new LogWrite();
        write.Appends.Add(Entry(claim.Head.Epoch, 1) with { Token = token });
        await log.WriteAsync(stream, claim.Head.Epoch, write, Cancel);

        var read = await log.ReadAsync(stream, long.MinValue, 10, cancellationToken: Cancel);
        Assert.Equal(token, Assert.Single(read).Token);

        var oversized = new LogWrite();
        oversized.Appends.Add(Entry(claim.Head.Epoch, 2) with { Token = token + "x" });
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.WriteAsync(stream, claim.Head.Epoch, oversized, Cancel));
    }

    [Fact]
    public async Task JtisAndIdentifiers_WithCharactersAzureForbidsInKeys_AreStoredAndFound()
    {
        var log = CreateSetLog();
        var stream = new StreamKey("acme", "keys");
        var claim = await log.ClaimAsync(stream, "silo-1", 10, Cancel);
        string[] jtis = ["a/b", "c\\d", "e#f", "g?h", "i:j", "k'l", "m!n", "tab\tnewline\n", new string('z', 600)];
        var write = new LogWrite();
        write.Appends.AddRange(jtis.Select((jti, i) => Entry(claim.Head.Epoch, i + 1) with { Jti = jti }));
        await log.WriteAsync(stream, claim.Head.Epoch, write, Cancel);

        var again = new LogWrite();
        again.Appends.AddRange(jtis.Select((jti, i) => Entry(claim.Head.Epoch, i + 100) with { Jti = jti }));
        Assert.Equal(jtis, (await log.WriteAsync(stream, claim.Head.Epoch, again, Cancel)).Duplicates);

        var removal = new LogWrite();
        removal.RemovalsByJti.AddRange(jtis);
        await log.WriteAsync(stream, claim.Head.Epoch, removal, Cancel);
        Assert.Equal(new LogCounts(0, 0, 0), await log.CountAsync(stream, Cancel));

        var subject = new StreamSubjectRow("acme", "uri:https://ex.example/a?b#c", "keys", "key/with:colon", "{}", true, false, Now);
        await Subjects.PutStreamSubjectAsync(subject, Cancel);
        Assert.Equal(subject, Assert.Single((await Subjects.LoadAsync("acme", subject.IndexKey, Cancel)).Streams));
    }

    [Fact]
    public async Task Settings_OfNodesRacing_AgreeOnOneValue()
    {
        var values = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => new AzureSettingsStore(Account).GetOrAddSettingAsync("master_key", $"value-{i}", Cancel)));

        Assert.Single(values.Distinct());
        Assert.Equal(values[0], await new AzureSettingsStore(Account).GetSettingAsync("master_key", Cancel));
        Assert.Null(await new AzureSettingsStore(Account).GetSettingAsync("missing", Cancel));
    }

    private static LogEntry Entry(long epoch, int index) =>
        new((epoch << 32) + index, $"jti-{index}", $"token-{index}", "https://example.com/event", false, Now);

    private sealed class NothingToDispose : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
