using SetHub.Core.Storage;

namespace SetHub.Storage.Tests;

/// <summary>The publish API's Idempotency-Key records: first writer wins, expired records count as absent, answers are
/// recorded, refused publishes released, old records purged, a deleted tenant's removed.</summary>
public abstract partial class StoreContractTests
{
    /// <summary>The idempotency keys under test.</summary>
    protected abstract IIdempotencyStore IdempotencyKeys { get; }

    private static DateTimeOffset Expired => Now.AddDays(-1);

    [Fact]
    public async Task IdempotencyKey_FirstRecordWins_AndEveryCallerReadsIt()
    {
        var first = new IdempotencyRecord("hash-1", "txn-1", null, Now);
        var second = new IdempotencyRecord("hash-2", "txn-2", null, Now.AddSeconds(1));

        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            IdempotencyKeys.GetOrAddAsync("acme", "key", i == 0 ? first : second, Expired, Cancel)));

        Assert.Single(racing.Distinct());
        Assert.Equal(racing[0], await IdempotencyKeys.GetOrAddAsync("acme", "key", first, Expired, Cancel));
        Assert.Equal(second, await IdempotencyKeys.GetOrAddAsync("beta", "key", second, Expired, Cancel)); // keys are per tenant
    }

    [Fact]
    public async Task IdempotencyKey_Completed_ShowsItsAnswer_AndReleasedOnlyWhileIncomplete()
    {
        var record = new IdempotencyRecord("hash", "txn", null, Now);
        await IdempotencyKeys.GetOrAddAsync("acme", "done", record, Expired, Cancel);
        await IdempotencyKeys.GetOrAddAsync("acme", "refused", record, Expired, Cancel);

        await IdempotencyKeys.CompleteAsync("acme", "done", "other-txn", 9, Cancel); // not its txn: nothing changes
        await IdempotencyKeys.CompleteAsync("acme", "done", "txn", 3, Cancel);
        await IdempotencyKeys.ReleaseAsync("acme", "done", "txn", Cancel); // completed: kept
        await IdempotencyKeys.ReleaseAsync("acme", "refused", "txn", Cancel);

        var fresh = new IdempotencyRecord("hash-new", "txn-new", null, Now.AddMinutes(1));
        Assert.Equal(record with { Streams = 3 }, await IdempotencyKeys.GetOrAddAsync("acme", "done", fresh, Expired, Cancel));
        Assert.Equal(fresh, await IdempotencyKeys.GetOrAddAsync("acme", "refused", fresh, Expired, Cancel));
    }

    [Fact]
    public async Task IdempotencyKey_Expired_IsReplaced_AndPurged()
    {
        var old = new IdempotencyRecord("hash", "txn-old", 1, Now.AddDays(-2));
        var kept = new IdempotencyRecord("hash", "txn-kept", 1, Now);
        await IdempotencyKeys.GetOrAddAsync("acme", "old", old, Now.AddDays(-3), Cancel);
        await IdempotencyKeys.GetOrAddAsync("acme", "purged", old, Now.AddDays(-3), Cancel);
        await IdempotencyKeys.GetOrAddAsync("acme", "kept", kept, Expired, Cancel);

        var replacement = new IdempotencyRecord("hash-2", "txn-new", null, Now);
        Assert.Equal(replacement, await IdempotencyKeys.GetOrAddAsync("acme", "old", replacement, Expired, Cancel));

        await IdempotencyKeys.PurgeAsync(Expired, Cancel);
        var probe = new IdempotencyRecord("probe", "txn-probe", null, Now);
        Assert.Equal(probe, await IdempotencyKeys.GetOrAddAsync("acme", "purged", probe, Now.AddDays(-3), Cancel));
        Assert.Equal(kept, await IdempotencyKeys.GetOrAddAsync("acme", "kept", probe, Now.AddDays(-3), Cancel));
    }

    [Fact]
    public async Task IdempotencyKeys_OfADeletedTenant_Go()
    {
        var record = new IdempotencyRecord("hash", "txn", 1, Now);
        await IdempotencyKeys.GetOrAddAsync("acme", "a", record, Expired, Cancel);
        await IdempotencyKeys.GetOrAddAsync("acme-2", "a", record, Expired, Cancel);

        await IdempotencyKeys.DeleteTenantAsync("acme", Cancel);

        var probe = new IdempotencyRecord("probe", "txn-probe", null, Now);
        Assert.Equal(probe, await IdempotencyKeys.GetOrAddAsync("acme", "a", probe, Expired, Cancel));
        Assert.Equal(record, await IdempotencyKeys.GetOrAddAsync("acme-2", "a", probe, Expired, Cancel));
    }
}
