using SetHub.Core;
using SetHub.Core.Security;
using SetHub.Core.Storage;
using SetHub.Core.Streams;

namespace SetHub.Storage.Tests;

/// <summary>
/// The behaviour every store must have. Each provider derives from this class and supplies a real, empty, migrated
/// database per test.
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    private StoreUnderTest? _store;

    protected StoreUnderTest Store => _store ?? throw new InvalidOperationException("The store is not initialized.");

    public async ValueTask InitializeAsync() => _store = await CreateStoreAsync();

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A new, empty, migrated store.</summary>
    protected abstract Task<StoreUnderTest> CreateStoreAsync();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Settings_GetOrAdd_KeepsTheFirstValue()
    {
        Assert.Null(await Store.Settings.GetSettingAsync("k", Cancel));

        Assert.Equal("first", await Store.Settings.GetOrAddSettingAsync("k", "first", Cancel));
        Assert.Equal("first", await Store.Settings.GetOrAddSettingAsync("k", "second", Cancel));
        Assert.Equal("first", await Store.Settings.GetSettingAsync("k", Cancel));
    }

    [Fact]
    public async Task Settings_ConcurrentGetOrAdd_AllSeeOneWinner()
    {
        var values = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Store.Settings.GetOrAddSettingAsync("race", $"v{i}", Cancel)));

        Assert.Single(values.Distinct());
    }

    [Fact]
    public async Task Tenants_CreateReadUpdateList()
    {
        Assert.True(await Store.Tenants.CreateTenantAsync(TestData.Tenant(), "hash-1", [TestData.Key()], Cancel));
        Assert.True(await Store.Tenants.CreateTenantAsync(TestData.Tenant("beta"), "hash-2", [TestData.Key("beta")], Cancel));

        var tenant = await Store.Tenants.GetTenantAsync("acme", Cancel);
        Assert.Equal(TestData.Tenant(), tenant);

        var updated = tenant! with { DisplayName = "Acme Corp", DefaultSubjects = SsfConstants.DefaultSubjects.All, EventsSupported = ["urn:a", "urn:b"], UpdatedAt = TestData.Now.AddHours(1) };
        await Store.Tenants.UpdateTenantAsync(updated, Cancel);
        var read = await Store.Tenants.GetTenantAsync("acme", Cancel);
        Assert.Equal("Acme Corp", read!.DisplayName);
        Assert.Equal(SsfConstants.DefaultSubjects.All, read.DefaultSubjects);
        Assert.Equal(["urn:a", "urn:b"], read.EventsSupported);
        Assert.Equal(TestData.Now.AddHours(1), read.UpdatedAt);

        Assert.Equal(["acme", "beta"], (await Store.Tenants.ListTenantsAsync(Cancel)).Select(t => t.TenantId));
        Assert.Null(await Store.Tenants.GetTenantAsync("missing", Cancel));
    }

    [Fact]
    public async Task Tenants_CreateExisting_ReturnsFalseAndChangesNothing()
    {
        await Store.Tenants.CreateTenantAsync(TestData.Tenant(), "hash-1", [TestData.Key()], Cancel);

        Assert.False(await Store.Tenants.CreateTenantAsync(TestData.Tenant() with { DisplayName = "Other" }, "hash-2", [TestData.Key()], Cancel));

        Assert.Equal("Acme", (await Store.Tenants.GetTenantAsync("acme", Cancel))!.DisplayName);
        Assert.NotNull(await Store.Tenants.FindCredentialAsync("acme", "hash-1", Cancel));
        Assert.Null(await Store.Tenants.FindCredentialAsync("acme", "hash-2", Cancel));
        Assert.Single(await Store.Keys.ListSigningKeysAsync("acme", Cancel));
    }

    [Fact]
    public async Task Credentials_AreFoundOnlyWithinTheirTenant()
    {
        await Store.Tenants.CreateTenantAsync(TestData.Tenant("acme"), "tenant-hash", [TestData.Key("acme")], Cancel);
        await Store.Tenants.CreateTenantAsync(TestData.Tenant("beta"), "beta-hash", [TestData.Key("beta")], Cancel);
        await Store.Receivers.CreateReceiverAsync(TestData.Receiver("acme", "r1"), "receiver-hash", Cancel);

        Assert.Equal(new Credential("acme", TokenKind.Tenant, null), await Store.Tenants.FindCredentialAsync("acme", "tenant-hash", Cancel));
        Assert.Equal(new Credential("acme", TokenKind.Receiver, "r1"), await Store.Tenants.FindCredentialAsync("acme", "receiver-hash", Cancel));
        Assert.Null(await Store.Tenants.FindCredentialAsync("beta", "tenant-hash", Cancel));
        Assert.Null(await Store.Tenants.FindCredentialAsync("beta", "receiver-hash", Cancel));
    }

    [Fact]
    public async Task Receivers_CreateReadListDelete()
    {
        await Store.Tenants.CreateTenantAsync(TestData.Tenant(), "t", [TestData.Key()], Cancel);
        await Store.Receivers.CreateReceiverAsync(TestData.Receiver(id: "r1"), "h1", Cancel);
        await Store.Receivers.CreateReceiverAsync(TestData.Receiver(id: "r2") with { CreatedAt = TestData.Now.AddSeconds(1) }, "h2", Cancel);

        Assert.Equal(TestData.Receiver(id: "r1"), await Store.Receivers.GetReceiverAsync("acme", "r1", Cancel));
        Assert.Equal(["r1", "r2"], (await Store.Receivers.ListReceiversAsync("acme", Cancel)).Select(r => r.ReceiverId));
        Assert.Empty(await Store.Receivers.ListReceiversAsync("beta", Cancel));

        Assert.True(await Store.Receivers.DeleteReceiverAsync("acme", "r1", Cancel));
        Assert.False(await Store.Receivers.DeleteReceiverAsync("acme", "r1", Cancel));
        Assert.Null(await Store.Receivers.GetReceiverAsync("acme", "r1", Cancel));
        Assert.Null(await Store.Tenants.FindCredentialAsync("acme", "h1", Cancel));
        Assert.NotNull(await Store.Tenants.FindCredentialAsync("acme", "h2", Cancel));
    }

    [Fact]
    public async Task Receivers_Delete_RemovesTheirStreamsAndQueuedSets()
    {
        await Store.Receivers.CreateReceiverAsync(TestData.Receiver(id: "r1"), "h1", Cancel);
        await Store.Streams.CreateStreamAsync(TestData.Stream(id: "s1", receiverId: "r1"), Cancel);
        await Store.Streams.CreateStreamAsync(TestData.Stream(id: "s2", receiverId: "r2"), Cancel);
        await Store.Streams.PutSubjectAsync(TestData.Subject("""{"format":"email","email":"a@example.com"}""", streamId: "s1"), Cancel);
        await Store.Sets.EnqueueAsync([TestData.Set("j1", streamId: "s1"), TestData.Set("j2", streamId: "s2")], Cancel);

        await Store.Receivers.DeleteReceiverAsync("acme", "r1", Cancel);

        Assert.Null(await Store.Streams.GetStreamAsync("acme", "s1", Cancel));
        Assert.Empty(await Store.Streams.ListSubjectsAsync("acme", "s1", Cancel));
        Assert.Empty((await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel)).Sets);
        Assert.Single((await Store.Sets.PollAsync("acme", "s2", TestData.Poll(), Cancel)).Sets);
    }

    [Fact]
    public async Task SigningKeys_ListNewestFirst_AndRotationRetiresSameAlgorithmOnly()
    {
        var es1 = TestData.Key(at: TestData.Now);
        await Store.Tenants.CreateTenantAsync(TestData.Tenant(), "t", [es1], Cancel);
        var rs1 = TestData.Key(algorithm: SsfConstants.Algorithms.RS256, at: TestData.Now.AddSeconds(1));
        await Store.Keys.AddSigningKeysAsync("acme", [rs1], retireActiveAt: null, Cancel);

        var es2 = TestData.Key(at: TestData.Now.AddSeconds(2));
        await Store.Keys.AddSigningKeysAsync("acme", [es2], retireActiveAt: TestData.Now.AddSeconds(2), Cancel);

        var keys = await Store.Keys.ListSigningKeysAsync("acme", Cancel);
        Assert.Equal([es2.KeyId, rs1.KeyId, es1.KeyId], keys.Select(k => k.KeyId));
        Assert.Null(keys[0].RetiredAt);
        Assert.Null(keys[1].RetiredAt);
        Assert.Equal(TestData.Now.AddSeconds(2), keys[2].RetiredAt);
        Assert.Equal(es1.ProtectedPrivateKey, keys[2].ProtectedPrivateKey);
        Assert.Equal(es1.PublicJwk, keys[2].PublicJwk);
        Assert.Empty(await Store.Keys.ListSigningKeysAsync("beta", Cancel));
    }

    [Fact]
    public async Task Streams_CreateReadList_RoundTripsEveryField()
    {
        var push = TestData.Stream(id: "s2", delivery: new DeliverySettings(SsfConstants.DeliveryMethods.Push, "https://rp.example.com/events", "Bearer s3cret"))
            with { CreatedAt = TestData.Now.AddSeconds(1), EventsRequested = null, Description = null };
        await Store.Streams.CreateStreamAsync(TestData.Stream(id: "s1"), Cancel);
        await Store.Streams.CreateStreamAsync(push, Cancel);
        await Store.Streams.CreateStreamAsync(TestData.Stream(id: "s3", receiverId: "other"), Cancel);

        Assert.Equal(TestData.Stream(id: "s1"), await Store.Streams.GetStreamAsync("acme", "s1", Cancel), StreamComparer.Instance);
        Assert.Equal(push, await Store.Streams.GetStreamAsync("acme", "s2", Cancel), StreamComparer.Instance);
        Assert.Equal(["s1", "s2"], (await Store.Streams.ListStreamsAsync("acme", "r1", Cancel)).Select(s => s.StreamId));
        Assert.Null(await Store.Streams.GetStreamAsync("beta", "s1", Cancel));
    }

    [Fact]
    public async Task Streams_Update_UsesOptimisticConcurrency()
    {
        var stream = TestData.Stream();
        await Store.Streams.CreateStreamAsync(stream, Cancel);

        var first = stream with { Description = "first", Version = 2 };
        Assert.True(await Store.Streams.UpdateStreamAsync(first, expectedVersion: 1, Cancel));

        var stale = stream with { Description = "stale", Version = 2 };
        Assert.False(await Store.Streams.UpdateStreamAsync(stale, expectedVersion: 1, Cancel));

        var read = await Store.Streams.GetStreamAsync("acme", "s1", Cancel);
        Assert.Equal("first", read!.Description);
        Assert.Equal(2, read.Version);
        Assert.False(await Store.Streams.UpdateStreamAsync(stream with { StreamId = "missing" }, expectedVersion: 1, Cancel));
    }

    [Fact]
    public async Task Streams_Disable_DropsHeldEventsButKeepsControlSets()
    {
        // SSF 1.0 §8.1.2.1: a disabled stream holds nothing; verification SETs still go out.
        var stream = TestData.Stream();
        await Store.Streams.CreateStreamAsync(stream, Cancel);
        await Store.Sets.EnqueueAsync([TestData.Set("event-1"), TestData.Set("verify-1", control: true), TestData.Set("event-2")], Cancel);

        Assert.True(await Store.Streams.UpdateStreamAsync(stream with { Status = StreamStatus.Disabled, Version = 2 }, 1, Cancel));

        var batch = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel);
        Assert.Equal(["verify-1"], batch.Sets.Select(s => s.Jti));
    }

    [Fact]
    public async Task Streams_Pause_KeepsHeldEvents()
    {
        var stream = TestData.Stream();
        await Store.Streams.CreateStreamAsync(stream, Cancel);
        await Store.Sets.EnqueueAsync([TestData.Set("event-1")], Cancel);

        await Store.Streams.UpdateStreamAsync(stream with { Status = StreamStatus.Paused, Version = 2 }, 1, Cancel);

        Assert.Single((await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel)).Sets);
    }

    [Fact]
    public async Task Streams_Delete_RemovesSubjectsAndSets()
    {
        await Store.Streams.CreateStreamAsync(TestData.Stream(), Cancel);
        await Store.Streams.PutSubjectAsync(TestData.Subject("""{"format":"email","email":"a@example.com"}"""), Cancel);
        await Store.Sets.EnqueueAsync([TestData.Set("j1")], Cancel);

        Assert.True(await Store.Streams.DeleteStreamAsync("acme", "s1", Cancel));
        Assert.False(await Store.Streams.DeleteStreamAsync("acme", "s1", Cancel));

        Assert.Null(await Store.Streams.GetStreamAsync("acme", "s1", Cancel));
        Assert.Empty(await Store.Streams.ListSubjectsAsync("acme", "s1", Cancel));
        Assert.Empty((await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel)).Sets);
    }

    [Fact]
    public async Task Subjects_PutIsIdempotent_AndDeleteRemovesIndexRows()
    {
        await Store.Streams.CreateStreamAsync(TestData.Stream(), Cancel);
        var complex = TestData.Subject("""{"format":"complex","user":{"format":"email","email":"a@example.com"},"tenant":{"format":"opaque","id":"t1"}}""");
        var email = TestData.Subject("""{"format":"email","email":"b@example.com"}""");

        await Store.Streams.PutSubjectAsync(complex, Cancel);
        await Store.Streams.PutSubjectAsync(complex with { Verified = false }, Cancel);
        await Store.Streams.PutSubjectAsync(email, Cancel);

        var subjects = await Store.Streams.ListSubjectsAsync("acme", "s1", Cancel);
        Assert.Equal(2, subjects.Count);
        var storedComplex = subjects.Single(s => s.SubjectKey == complex.SubjectKey);
        Assert.False(storedComplex.Verified);
        Assert.Equal(complex.IndexKeys.Order(StringComparer.Ordinal), storedComplex.IndexKeys);
        Assert.Equal(2, storedComplex.IndexKeys.Count);

        await Store.Streams.DeleteSubjectAsync("acme", "s1", complex.SubjectKey, Cancel);
        await Store.Streams.DeleteSubjectAsync("acme", "s1", "never-added", Cancel);
        Assert.Equal([email.SubjectKey], (await Store.Streams.ListSubjectsAsync("acme", "s1", Cancel)).Select(s => s.SubjectKey));
    }

    [Fact]
    public async Task Sets_Poll_ReturnsOldestFirstWithMoreAvailable()
    {
        await Store.Sets.EnqueueAsync([TestData.Set("j1"), TestData.Set("j2"), TestData.Set("j3")], Cancel);

        var first = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(maxEvents: 2), Cancel);
        Assert.Equal(["j1", "j2"], first.Sets.Select(s => s.Jti));
        Assert.Equal("header.j1.signature", first.Sets[0].Token);
        Assert.True(first.MoreAvailable); // R50

        var second = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(maxEvents: 2), Cancel);
        Assert.Equal(["j3"], second.Sets.Select(s => s.Jti));
        Assert.False(second.MoreAvailable);
    }

    [Fact]
    public async Task Sets_Acknowledged_NeverComeBack()
    {
        // R55: an acknowledged jti does not come back, even after the redelivery interval.
        await Store.Sets.EnqueueAsync([TestData.Set("j1"), TestData.Set("j2")], Cancel);
        await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel);

        var afterAck = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddHours(1), acks: ["j1", "unknown-jti"]), Cancel);

        Assert.Equal(["j2"], afterAck.Sets.Select(s => s.Jti));
        var later = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddHours(2), acks: ["j2"]), Cancel);
        Assert.Empty(later.Sets);
    }

    [Fact]
    public async Task Sets_Unacknowledged_AreRedeliveredAfterTheInterval()
    {
        // R54: in flight until RedeliverAt, then due again, with the same bytes.
        await Store.Sets.EnqueueAsync([TestData.Set("j1")], Cancel);
        var first = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel);

        Assert.Empty((await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddSeconds(59)), Cancel)).Sets);
        var again = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddSeconds(60)), Cancel);
        Assert.Equal(first.Sets, again.Sets);
    }

    [Fact]
    public async Task Sets_AckOnlyPoll_ReturnsNothing()
    {
        // R53, OIDF ack-only module: maxEvents 0 acknowledges without taking SETs.
        await Store.Sets.EnqueueAsync([TestData.Set("j1"), TestData.Set("j2")], Cancel);

        var batch = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(maxEvents: 0, acks: ["j1"]), Cancel);

        Assert.Empty(batch.Sets);
        Assert.True(batch.MoreAvailable);
        Assert.Equal(["j2"], (await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel)).Sets.Select(s => s.Jti));
    }

    [Fact]
    public async Task Sets_ReportedErrors_AreNotRedelivered()
    {
        await Store.Sets.EnqueueAsync([TestData.Set("j1"), TestData.Set("j2")], Cancel);
        await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel);

        var errors = new Dictionary<string, SetError> { ["j1"] = new(SsfConstants.DeliveryErrors.InvalidKey, "unknown kid") };
        await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddSeconds(1), errors: errors, acks: ["j2"]), Cancel);

        Assert.Empty((await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddHours(1)), Cancel)).Sets);
    }

    [Fact]
    public async Task Sets_ControlOnly_HoldsOrdinaryEvents()
    {
        await Store.Sets.EnqueueAsync([TestData.Set("event-1"), TestData.Set("verify-1", control: true)], Cancel);

        var paused = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(controlOnly: true), Cancel);
        Assert.Equal(["verify-1"], paused.Sets.Select(s => s.Jti));

        var enabled = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel);
        Assert.Equal(["event-1"], enabled.Sets.Select(s => s.Jti));
    }

    [Fact]
    public async Task Sets_AreIsolatedPerStreamAndTenant()
    {
        await Store.Sets.EnqueueAsync([TestData.Set("a", streamId: "s1"), TestData.Set("b", streamId: "s2"), TestData.Set("c", tenantId: "beta", streamId: "s1")], Cancel);

        Assert.Equal(["a"], (await Store.Sets.PollAsync("acme", "s1", TestData.Poll(acks: ["b", "c"]), Cancel)).Sets.Select(s => s.Jti));
        Assert.Equal(["b"], (await Store.Sets.PollAsync("acme", "s2", TestData.Poll(), Cancel)).Sets.Select(s => s.Jti));
        Assert.Equal(["c"], (await Store.Sets.PollAsync("beta", "s1", TestData.Poll(), Cancel)).Sets.Select(s => s.Jti));
    }

    [Fact]
    public async Task Sets_ConcurrentPolls_NeverHandOutTheSameSetTwice()
    {
        await Store.Sets.EnqueueAsync(Enumerable.Range(0, 200).Select(i => TestData.Set($"j{i:D3}")).ToArray(), Cancel);

        var batches = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Store.Sets.PollAsync("acme", "s1", TestData.Poll(maxEvents: 15), Cancel)));

        var jtis = batches.SelectMany(b => b.Sets).Select(s => s.Jti).ToArray();
        Assert.Equal(150, jtis.Length);
        Assert.Equal(jtis.Length, jtis.Distinct().Count());
    }

    /// <summary>Record equality compares list references; streams read back hold new lists.</summary>
    private sealed class StreamComparer : IEqualityComparer<EventStream?>
    {
        public static readonly StreamComparer Instance = new();

        public bool Equals(EventStream? x, EventStream? y) =>
            x is not null && y is not null &&
            x with { EventsRequested = null, EventsDelivered = [] } == y with { EventsRequested = null, EventsDelivered = [] } &&
            (x.EventsRequested ?? []).SequenceEqual(y.EventsRequested ?? []) && (x.EventsRequested is null) == (y.EventsRequested is null) &&
            x.EventsDelivered.SequenceEqual(y.EventsDelivered);

        public int GetHashCode(EventStream? obj) => obj?.StreamId.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
