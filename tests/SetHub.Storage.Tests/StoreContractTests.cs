using SetHub.Core;
using SetHub.Core.Security;
using SetHub.Core.Storage;
using SetHub.Core.Streams;

namespace SetHub.Storage.Tests;

/// <summary>
/// The behaviour every store must have. Each provider derives from this class and supplies a real, empty, migrated
/// database per test.
/// </summary>
public abstract partial class StoreContractTests : IAsyncLifetime
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

    /// <summary>Creates streams (SETs are only queued for streams that exist).</summary>
    private async Task CreateStreamsAsync(params EventStream[] streams)
    {
        foreach (var stream in streams)
        {
            await Store.Streams.CreateStreamAsync(stream, cancellationToken: Cancel);
        }
    }

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
    public async Task Tenants_UpdateEventsSupported_RecomputesEventsDeliveredOfTheTenantsStreams()
    {
        // R93 (SSF 1.0 §8.1.1): events_delivered ⊆ events_supported ∩ events_requested holds for existing streams too.
        var tenant = TestData.Tenant() with { EventsSupported = ["urn:a", "urn:b", "urn:c"] };
        await Store.Tenants.CreateTenantAsync(tenant, "t", [TestData.Key()], Cancel);
        await CreateStreamsAsync(
            Requesting("ab", ["urn:a", "urn:b"]),
            Requesting("b", ["urn:b"]),
            Requesting("a", ["urn:a"]),
            Requesting("all", null, delivered: ["urn:a", "urn:b", "urn:c"]),
            Requesting("ab", ["urn:a", "urn:b"], tenantId: "beta"));

        var narrowed = await Store.Tenants.UpdateTenantAsync(tenant with { EventsSupported = ["urn:c", "urn:a"], UpdatedAt = TestData.Now.AddHours(1) }, Cancel);

        Assert.Equal(["ab", "all", "b"], narrowed.Order(StringComparer.Ordinal));
        await AssertDeliveredAsync("ab", ["urn:a"], version: 2);               // requested order
        await AssertDeliveredAsync("b", [], version: 2);
        await AssertDeliveredAsync("a", ["urn:a"], version: 2);                // list unchanged, version moved: a racing update retries
        await AssertDeliveredAsync("all", ["urn:c", "urn:a"], version: 2);     // requested nothing: all supported
        Assert.Equal(TestData.Now.AddHours(1), (await Store.Streams.GetStreamAsync("acme", "ab", Cancel))!.UpdatedAt);
        Assert.Equal(["urn:a", "urn:b"], (await Store.Streams.GetStreamAsync("beta", "ab", Cancel))!.EventsDelivered); // another tenant's

        // Other changes leave the streams alone; widening gives back what was requested; null means the built-in types.
        Assert.Empty(await Store.Tenants.UpdateTenantAsync(tenant with { EventsSupported = ["urn:c", "urn:a"], DisplayName = "Renamed" }, Cancel));
        await AssertDeliveredAsync("ab", ["urn:a"], version: 2);
        Assert.Equal(["ab", "all", "b"], (await Store.Tenants.UpdateTenantAsync(tenant, Cancel)).Order(StringComparer.Ordinal));
        await AssertDeliveredAsync("ab", ["urn:a", "urn:b"], version: 3);
        await AssertDeliveredAsync("b", ["urn:b"], version: 3);
        Assert.Equal(["a", "ab", "all", "b"], (await Store.Tenants.UpdateTenantAsync(tenant with { EventsSupported = null }, Cancel)).Order(StringComparer.Ordinal));
        await AssertDeliveredAsync("ab", [], version: 4);                      // urn:a, urn:b are not built-in types
        await AssertDeliveredAsync("all", Core.Events.EventTypeCatalog.BuiltIn, version: 4);

        static EventStream Requesting(string id, IReadOnlyList<string>? requested, IReadOnlyList<string>? delivered = null, string tenantId = "acme") =>
            TestData.Stream(tenantId, id) with { EventsRequested = requested, EventsDelivered = delivered ?? requested! };

        async Task AssertDeliveredAsync(string streamId, IReadOnlyList<string> expected, long version)
        {
            var stream = await Store.Streams.GetStreamAsync("acme", streamId, Cancel);
            Assert.Equal(expected, stream!.EventsDelivered);
            Assert.Equal(version, stream.Version);
        }
    }

    [Fact]
    public async Task Tenants_UpdateEventsSupported_RewritesManyStreamsInBatches()
    {
        var tenant = TestData.Tenant() with { EventsSupported = ["urn:a", "urn:b"] };
        await Store.Tenants.CreateTenantAsync(tenant, "t", [TestData.Key()], Cancel);
        var ids = Enumerable.Range(0, 1001).Select(i => $"s{i:D4}").ToArray();
        await CreateStreamsAsync([.. ids.Select(id => TestData.Stream(id: id) with { EventsRequested = [$"urn:{(id.EndsWith('7') ? 'x' : 'a')}", "urn:b"], EventsDelivered = ["urn:b"] })]);

        var changed = await Store.Tenants.UpdateTenantAsync(tenant with { EventsSupported = ["urn:a"] }, Cancel);

        var streams = await Store.Streams.ListTenantStreamsAsync("acme", Cancel);
        Assert.Equal(ids, changed.Order(StringComparer.Ordinal));
        Assert.All(streams, stream => Assert.Equal(stream.StreamId.EndsWith('7') ? [] : ["urn:a"], stream.EventsDelivered));
        Assert.All(streams, stream => Assert.Equal(2, stream.Version));
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
        await Store.Streams.CreateStreamAsync(TestData.Stream(id: "s1", receiverId: "r1"), cancellationToken: Cancel);
        await Store.Streams.CreateStreamAsync(TestData.Stream(id: "s2", receiverId: "r2"), cancellationToken: Cancel);
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
