using System.Security.Cryptography;
using SetHub.Core.Security;
using SetHub.Core.Storage;
using SetHub.Storage.Relational;

namespace SetHub.Storage.Tests;

/// <summary>Every store interface over one real, freshly migrated database.</summary>
public sealed class StoreUnderTest(RelationalDatabase database, IAsyncDisposable? owner = null) : IAsyncDisposable
{
    public ISecretProtector Protector { get; } = new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32));

    public RelationalDatabase Database => database;

    public ISettingsStore Settings => new RelationalSettingsStore(database);

    public ITenantStore Tenants => new RelationalTenantStore(database);

    public IReceiverStore Receivers => new RelationalReceiverStore(database);

    public ISigningKeyStore Keys => new RelationalSigningKeyStore(database);

    public IStreamStore Streams => new RelationalStreamStore(database, Protector);

    public ISetStore Sets => new RelationalSetStore(database);

    public IPushDeliveryStore Push => new RelationalPushDeliveryStore(database);

    public ITimerStore Timers => new RelationalTimerStore(database);

    public ISubjectOptOutStore OptOuts => new RelationalSubjectOptOutStore(database);

    public ValueTask DisposeAsync() => owner?.DisposeAsync() ?? ValueTask.CompletedTask;
}
