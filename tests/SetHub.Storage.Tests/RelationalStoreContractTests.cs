using Microsoft.Extensions.Logging.Abstractions;
using SetHub.Core.Storage;
using SetHub.Storage.Relational;
using SetHub.Storage.Relational.SetLog;

namespace SetHub.Storage.Tests;

/// <summary>
/// The behaviour SetHub's stores must have on every relational backend: the Orleans providers (grain storage, reminder
/// table, membership table), the SET log and the rows the grains own. Each backend derives from this class and
/// supplies a real, empty, migrated database per test.
/// </summary>
public abstract partial class RelationalStoreContractTests : StoreContractTests, IAsyncLifetime
{
    private CountingDatabase? _database;
    private IAsyncDisposable? _owner;

    /// <summary>The database under test, counting the queries the providers send.</summary>
    protected CountingDatabase Database => _database ?? throw new InvalidOperationException("The database is not initialized.");

    protected override ITenantDirectoryStore Directory => new RelationalTenantDirectoryStore(Database);

    protected override ISubjectStore Subjects => new RelationalSubjectStore(Database);

    protected override IIdempotencyStore IdempotencyKeys => new RelationalIdempotencyStore(Database);

    protected static RelationalSetLog CreateSetLog(RelationalDatabase database) =>
        new(database, new LogCommitter(database.LogLanes, 4000, database.ExecuteLogBatchAsync, NullLogger.Instance));

    protected override ISetLog CreateSetLog() => CreateSetLog(Database);

    protected override Task<IReminderTable> CreateReminderTableAsync(string serviceId) =>
        Task.FromResult<IReminderTable>(ProvidersUnderTest.Reminders(Database, serviceId));

    protected override async Task<(ISetLog Log, IAsyncDisposable Owner)> CreateSetLogOfAnotherNodeAsync()
    {
        var (other, owner) = await OpenAnotherNodeAsync();
        return (CreateSetLog(other), owner);
    }

    public async ValueTask InitializeAsync()
    {
        var (database, owner) = await CreateDatabaseAsync();
        _database = new CountingDatabase(database);
        _owner = owner;
    }

    public async ValueTask DisposeAsync()
    {
        if (_owner is not null)
        {
            await _owner.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A new, empty, migrated database, and what disposes it.</summary>
    protected abstract Task<(RelationalDatabase Database, IAsyncDisposable Owner)> CreateDatabaseAsync();

    /// <summary>A second connection to the same database, as another node would have (for races between nodes).</summary>
    protected abstract Task<(RelationalDatabase Database, IAsyncDisposable Owner)> OpenAnotherNodeAsync();
}
