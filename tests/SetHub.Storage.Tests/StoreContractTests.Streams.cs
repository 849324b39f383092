using SetHub.Core;
using SetHub.Core.Streams;

namespace SetHub.Storage.Tests;

/// <summary>Streams, their subjects, and the bookkeeping that enforces their settings.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Streams_CreateReadList_RoundTripsEveryField()
    {
        var push = TestData.Stream(id: "s2", delivery: new DeliverySettings(SsfConstants.DeliveryMethods.Push, "https://rp.example.com/events", "Bearer s3cret"))
            with { CreatedAt = TestData.Now.AddSeconds(1), EventsRequested = null, Description = null, InactivityTimeout = TimeSpan.FromHours(1), MinVerificationInterval = TimeSpan.FromSeconds(30) };
        await CreateStreamsAsync(TestData.Stream(id: "s1"), push, TestData.Stream(id: "s3", receiverId: "other"));

        Assert.Equal(TestData.Stream(id: "s1"), await Store.Streams.GetStreamAsync("acme", "s1", Cancel), StreamComparer.Instance);
        Assert.Equal(push, await Store.Streams.GetStreamAsync("acme", "s2", Cancel), StreamComparer.Instance);
        Assert.Equal(["s1", "s2"], (await Store.Streams.ListStreamsAsync("acme", "r1", Cancel)).Select(s => s.StreamId));
        Assert.Equal(["s1", "s3", "s2"], (await Store.Streams.ListTenantStreamsAsync("acme", Cancel)).Select(s => s.StreamId));
        Assert.Equal(["s1", "s2"], (await Store.Streams.GetStreamsAsync("acme", ["s2", "s1", "missing"], Cancel)).Select(s => s.StreamId).Order());
        Assert.Null(await Store.Streams.GetStreamAsync("beta", "s1", Cancel));
    }

    [Fact]
    public async Task Streams_Update_UsesOptimisticConcurrency()
    {
        var stream = TestData.Stream();
        await CreateStreamsAsync(stream);

        var first = stream with { Description = "first", Version = 2 };
        Assert.True(await Store.Streams.UpdateStreamAsync(first, expectedVersion: 1, cancellationToken: Cancel));

        var stale = stream with { Description = "stale", Version = 2 };
        Assert.False(await Store.Streams.UpdateStreamAsync(stale, expectedVersion: 1, cancellationToken: Cancel));

        var read = await Store.Streams.GetStreamAsync("acme", "s1", Cancel);
        Assert.Equal("first", read!.Description);
        Assert.Equal(2, read.Version);
        Assert.False(await Store.Streams.UpdateStreamAsync(stream with { StreamId = "missing" }, expectedVersion: 1, cancellationToken: Cancel));
    }

    [Fact]
    public async Task Streams_Update_QueuesItsControlSetsInTheSameTransaction()
    {
        var stream = TestData.Stream();
        await CreateStreamsAsync(stream);

        var paused = stream with { Status = StreamStatus.Paused, Version = 2 };
        Assert.True(await Store.Streams.UpdateStreamAsync(paused, 1, [TestData.Set("announce", control: true)], Cancel));
        Assert.False(await Store.Streams.UpdateStreamAsync(paused with { Version = 3 }, 1, [TestData.Set("lost", control: true)], Cancel));

        Assert.Equal(["announce"], (await Store.Sets.PollAsync("acme", "s1", TestData.Poll(), Cancel)).Sets.Select(s => s.Jti));
    }

    [Fact]
    public async Task Streams_Delete_RemovesSubjectsSetsAndSchedule()
    {
        await CreateStreamsAsync(TestData.Stream(delivery: TestData.Push()));
        await Store.Streams.PutSubjectAsync(TestData.Subject("""{"format":"email","email":"a@example.com"}"""), Cancel);
        await Store.Sets.EnqueueAsync([TestData.Set("j1")], Cancel);

        Assert.True(await Store.Streams.DeleteStreamAsync("acme", "s1", Cancel));
        Assert.False(await Store.Streams.DeleteStreamAsync("acme", "s1", Cancel));

        Assert.Null(await Store.Streams.GetStreamAsync("acme", "s1", Cancel));
        Assert.Empty(await Store.Streams.ListSubjectsAsync("acme", "s1", Cancel));
        Assert.Equal(new(0, 0, 0), await Store.Sets.CountAsync("acme", "s1", Cancel));
        Assert.Empty(await Store.Push.ClaimStreamsAsync("node", 10, TestData.Now, TestData.Now.AddMinutes(1), Cancel));
    }

    [Fact]
    public async Task Subjects_PutIsIdempotent_AndDeleteRemovesIndexRows()
    {
        await CreateStreamsAsync(TestData.Stream());
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
    public async Task Subjects_AreFoundByAnyOfTheirIndexKeys_WithinTheTenant()
    {
        await CreateStreamsAsync(TestData.Stream(id: "s1"), TestData.Stream(id: "s2"), TestData.Stream(tenantId: "beta", id: "s1"));
        var complex = TestData.Subject("""{"format":"complex","user":{"format":"email","email":"a@example.com"},"tenant":{"format":"opaque","id":"t1"}}""", streamId: "s1");
        var removed = TestData.Subject("""{"format":"email","email":"a@example.com"}""", streamId: "s2", included: false);
        var otherTenant = TestData.Subject("""{"format":"email","email":"a@example.com"}""", tenantId: "beta");
        foreach (var subject in new[] { complex, removed, otherTenant })
        {
            await Store.Streams.PutSubjectAsync(subject, Cancel);
        }

        var emailKey = TestData.Subject("""{"format":"email","email":"a@example.com"}""").IndexKeys;
        var found = await Store.Streams.FindSubjectsAsync("acme", emailKey, Cancel);

        Assert.Equal(["s1", "s2"], found.Select(s => s.StreamId).Order());
        Assert.True(found.Single(s => s.StreamId == "s1").Included);
        Assert.False(found.Single(s => s.StreamId == "s2").Included);
        Assert.Empty(await Store.Streams.FindSubjectsAsync("acme", TestData.Subject("""{"format":"opaque","id":"nobody"}""").IndexKeys, Cancel));
    }

    [Fact]
    public async Task Streams_ListAllSubjectStreams_SkipsNoneModeAndDisabled()
    {
        var all = TestData.Stream(id: "all") with { DefaultSubjects = SsfConstants.DefaultSubjects.All };
        await CreateStreamsAsync(all, all with { StreamId = "all-disabled", Status = StreamStatus.Disabled }, TestData.Stream(id: "none"));

        Assert.Equal(["all"], (await Store.Streams.ListAllSubjectStreamsAsync("acme", Cancel)).Select(s => s.StreamId));
    }

    [Fact]
    public async Task Verification_ReservationRespectsTheInterval()
    {
        await CreateStreamsAsync(TestData.Stream());
        var interval = TimeSpan.FromSeconds(30);

        Assert.Null(await Store.Streams.QueueVerificationAsync(TestData.Set("v1", control: true), TestData.Now, interval, Cancel));
        Assert.Equal(TestData.Now.AddSeconds(30), await Store.Streams.QueueVerificationAsync(TestData.Set("v2", control: true), TestData.Now.AddSeconds(29), interval, Cancel));
        Assert.Null(await Store.Streams.QueueVerificationAsync(TestData.Set("v3", control: true), TestData.Now.AddSeconds(30), interval, Cancel));

        // The refused one was not queued: the reservation and the SET are one transaction.
        var queued = await Store.Sets.PollAsync("acme", "s1", TestData.Poll(now: TestData.Now.AddSeconds(30)), Cancel);
        Assert.Equal(["v1", "v3"], queued.Sets.Select(set => set.Jti));
        Assert.Null(await Store.Streams.QueueVerificationAsync(TestData.Set("v4", control: true), TestData.Now, minInterval: null, Cancel)); // no limit
    }

    [Fact]
    public async Task Verification_ConcurrentReservations_OnlyOneWins()
    {
        await CreateStreamsAsync(TestData.Stream());

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Store.Streams.QueueVerificationAsync(TestData.Set($"v{i}", control: true), TestData.Now, TimeSpan.FromSeconds(30), Cancel)));

        Assert.Single(results, allowedAt => allowedAt is null);
    }

    [Fact]
    public async Task Inactivity_TouchedStreamsAreNotInactive()
    {
        var timeout = TimeSpan.FromMinutes(10);
        await CreateStreamsAsync(
            TestData.Stream(id: "quiet") with { InactivityTimeout = timeout },
            TestData.Stream(id: "busy") with { InactivityTimeout = timeout },
            TestData.Stream(id: "untimed"),
            TestData.Stream(id: "paused") with { InactivityTimeout = timeout, Status = StreamStatus.Paused });
        await Store.Streams.TouchAsync("acme", "busy", TestData.Now.AddMinutes(9), TimeSpan.FromMinutes(1), Cancel);

        var inactive = await Store.Streams.ListInactiveStreamsAsync(TestData.Now.AddMinutes(11), 100, Cancel);

        Assert.Equal(["quiet"], inactive.Select(s => s.StreamId));
        Assert.Empty(await Store.Streams.ListInactiveStreamsAsync(TestData.Now.AddMinutes(9), 100, Cancel));
    }
}
