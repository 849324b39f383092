using SetHub.Core.Storage;

namespace SetHub.Storage.Tests;

/// <summary>The rows tenant and subject grains own: the tenant registry, receivers, the stream directory, stream
/// subjects and opt-outs.</summary>
public abstract partial class StoreContractTests
{
    /// <summary>The tenant directory under test.</summary>
    protected abstract ITenantDirectoryStore Directory { get; }

    /// <summary>The subject rows under test.</summary>
    protected abstract ISubjectStore Subjects { get; }

    [Fact]
    public async Task Tenants_AreRegisteredOnce_AndListedInOrder()
    {
        await Directory.AddTenantAsync("zeta", Now, Cancel);
        await Directory.AddTenantAsync("acme", Now, Cancel);
        await Directory.AddTenantAsync("acme", Now.AddDays(1), Cancel);

        Assert.Equal(["acme", "zeta"], await Directory.ListTenantsAsync(Cancel));
    }

    [Fact]
    public async Task TenantRows_LoadTheirReceiversAndStreams_OldestFirst_WithEveryField()
    {
        var receiver = new ReceiverRow("acme", "r-2", "RP", "https://rp.example.com", "RS256", "hash-2", Now.AddMinutes(1));
        await Directory.PutReceiverAsync(receiver, Cancel);
        await Directory.PutReceiverAsync(new ReceiverRow("acme", "r-1", "Old", "https://old.example.com", "ES256", "hash-1", Now), Cancel);
        await Directory.PutReceiverAsync(new ReceiverRow("other", "r-9", "Other", "https://o.example.com", "ES256", "hash-9", Now), Cancel);
        var stream = new StreamRow("acme", "s-1", "r-2", "https://rp.example.com", "RS256", IncludesAllSubjects: true, Disabled: false,
            ["https://example.com/a", "https://example.com/b"], Now);
        await Directory.PutStreamAsync(stream, Cancel);

        var rows = await Directory.LoadAsync("acme", Cancel);

        Assert.Equal(["r-1", "r-2"], rows.Receivers.Select(row => row.ReceiverId));
        Assert.Equal(receiver, rows.Receivers[1]);
        var loaded = Assert.Single(rows.Streams);
        Assert.Equal(stream with { EventsDelivered = [] }, loaded with { EventsDelivered = [] });
        Assert.Equal(stream.EventsDelivered, loaded.EventsDelivered);
    }

    [Fact]
    public async Task TenantRows_AreReplaced_AndDeleted()
    {
        await Directory.PutReceiverAsync(new ReceiverRow("acme", "r-1", "RP", "https://rp.example.com", "ES256", "hash", Now), Cancel);
        await Directory.PutReceiverAsync(new ReceiverRow("acme", "r-1", "RP", "https://rp.example.com", "ES256", "hash", Now, Revoked: true), Cancel);
        await Directory.PutStreamAsync(new StreamRow("acme", "s-1", "r-1", "aud", "ES256", false, false, ["a"], Now), Cancel);
        await Directory.PutStreamAsync(new StreamRow("acme", "s-1", "r-1", "aud", "ES256", false, true, ["a", "b"], Now), Cancel);

        var replaced = await Directory.LoadAsync("acme", Cancel);
        Assert.True(Assert.Single(replaced.Receivers).Revoked);
        Assert.True(Assert.Single(replaced.Streams).Disabled);
        Assert.Equal(["a", "b"], replaced.Streams[0].EventsDelivered);

        await Directory.DeleteStreamAsync("acme", "s-1", Cancel);
        await Directory.DeleteReceiverAsync("acme", "r-1", Cancel);
        var emptied = await Directory.LoadAsync("acme", Cancel);
        Assert.Empty(emptied.Receivers);
        Assert.Empty(emptied.Streams);
    }

    [Fact]
    public async Task SubjectRows_AreFiledByIdentifier_AndListedOncePerStream()
    {
        // A complex subject is filed under each of its identifiers; the stream's listing shows it once.
        foreach (var indexKey in new[] { "user", "tenant" })
        {
            await Subjects.PutStreamSubjectAsync(new StreamSubjectRow("acme", indexKey, "s-1", "complex", "{\"c\":1}", true, true, Now), Cancel);
        }

        await Subjects.PutStreamSubjectAsync(new StreamSubjectRow("acme", "user", "s-2", "simple", "{\"s\":1}", false, false, Now), Cancel);

        var underUser = await Subjects.LoadAsync("acme", "user", Cancel);
        Assert.Equal(["complex/s-1", "simple/s-2"], underUser.Streams.Select(row => $"{row.SubjectKey}/{row.StreamId}").Order());
        Assert.Single((await Subjects.LoadAsync("acme", "tenant", Cancel)).Streams);
        Assert.Equal(["complex"], (await Subjects.ListStreamSubjectsAsync("acme", "s-1", Cancel)).Select(row => row.SubjectKey));
        Assert.Empty((await Subjects.LoadAsync("other", "user", Cancel)).Streams);
    }

    [Fact]
    public async Task SubjectRows_OfADeletedStream_GoUnderEveryIdentifier()
    {
        await Subjects.PutStreamSubjectAsync(new StreamSubjectRow("acme", "user", "s-1", "complex", "{}", true, true, Now), Cancel);
        await Subjects.PutStreamSubjectAsync(new StreamSubjectRow("acme", "tenant", "s-1", "complex", "{}", true, true, Now), Cancel);
        await Subjects.PutStreamSubjectAsync(new StreamSubjectRow("acme", "user", "s-2", "other", "{}", true, true, Now), Cancel);

        await Subjects.DeleteStreamSubjectsAsync("acme", "s-1", Cancel);
        await Subjects.DeleteStreamSubjectAsync("acme", "user", "s-2", "other", Cancel);
        await Subjects.DeleteStreamSubjectAsync("acme", "user", "s-2", "never-there", Cancel);

        Assert.Empty((await Subjects.LoadAsync("acme", "user", Cancel)).Streams);
        Assert.Empty((await Subjects.LoadAsync("acme", "tenant", Cancel)).Streams);
    }

    [Fact]
    public async Task OptOuts_AreRecordedOnce_AndLifted()
    {
        await Subjects.PutOptOutAsync(new OptOutRow("acme", "user", "alice", "{\"a\":1}", Now), Cancel);
        await Subjects.PutOptOutAsync(new OptOutRow("acme", "user", "alice", "{\"a\":2}", Now.AddDays(1)), Cancel);

        var recorded = Assert.Single((await Subjects.LoadAsync("acme", "user", Cancel)).OptOuts);
        Assert.Equal(("{\"a\":1}", Now), (recorded.SubjectJson, recorded.CreatedAt));

        await Subjects.DeleteOptOutAsync("acme", "user", "alice", Cancel);
        Assert.Empty((await Subjects.LoadAsync("acme", "user", Cancel)).OptOuts);
    }

    [Fact]
    public async Task OptOuts_OfADeletedTenant_GoUnderEveryIdentifier_AndNoOtherTenantsDo()
    {
        await Subjects.PutOptOutAsync(new OptOutRow("acme", "user", "alice", "{}", Now), Cancel);
        await Subjects.PutOptOutAsync(new OptOutRow("acme", "mail", "alice", "{}", Now), Cancel);
        await Subjects.PutOptOutAsync(new OptOutRow("acme-2", "user", "alice", "{}", Now), Cancel);
        await Subjects.PutStreamSubjectAsync(new StreamSubjectRow("acme", "user", "s1", "alice", "{}", Included: true, Verified: true, Now), Cancel);

        await Subjects.DeleteOptOutsAsync("acme", Cancel);

        Assert.Empty((await Subjects.LoadAsync("acme", "user", Cancel)).OptOuts);
        Assert.Empty((await Subjects.LoadAsync("acme", "mail", Cancel)).OptOuts);
        Assert.Single((await Subjects.LoadAsync("acme-2", "user", Cancel)).OptOuts);
        Assert.Single((await Subjects.LoadAsync("acme", "user", Cancel)).Streams); // a stream's rows go with the stream
    }

    [Fact]
    public async Task Tenants_RemovedFromTheRegistry_AreNotListed()
    {
        await Directory.AddTenantAsync("acme", Now, Cancel);
        await Directory.AddTenantAsync("beta", Now, Cancel);

        await Directory.RemoveTenantAsync("acme", Cancel);
        await Directory.RemoveTenantAsync("never-there", Cancel);

        Assert.Equal(["beta"], await Directory.ListTenantsAsync(Cancel));
    }
}
