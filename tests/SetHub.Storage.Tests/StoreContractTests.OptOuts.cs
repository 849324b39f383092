using System.Data.Common;
using SetHub.Core.Storage;
using SetHub.Core.Subjects;

namespace SetHub.Storage.Tests;

/// <summary>RISC opt-out state: changed only together with the SETs that announce the change (RISC 1.0 §2.8).</summary>
public abstract partial class StoreContractTests
{
    private const string OptedOutJson = """{"format":"email","email":"a@example.com"}""";

    [Fact]
    public async Task OptOuts_RecordedWithTheirSets_AreFoundByIndexKey()
    {
        await CreateStreamsAsync(TestData.Stream());
        var subject = TestData.Subject(OptedOutJson);

        var queued = await Store.Sets.EnqueueAsync([TestData.Set("opt-out")], Recorded(OptedOutJson), Cancel);

        Assert.Equal(["opt-out"], queued.Select(q => q.Set.Jti));
        Assert.Equal([new OptedOutSubject(subject.SubjectKey, subject.SubjectJson)], await Store.OptOuts.FindOptOutsAsync("acme", subject.IndexKeys, Cancel));
        Assert.Empty(await Store.OptOuts.FindOptOutsAsync("beta", subject.IndexKeys, Cancel));
        Assert.Equal(1, (await Store.Sets.CountAsync("acme", "s1", Cancel)).Queued);
    }

    [Fact]
    public async Task OptOuts_RecordedTwice_AreStoredOnce()
    {
        var subject = TestData.Subject(OptedOutJson);

        await Store.Sets.EnqueueAsync([], Recorded(OptedOutJson), Cancel);
        await Store.Sets.EnqueueAsync([], Recorded(OptedOutJson), Cancel);

        Assert.Single(await Store.OptOuts.FindOptOutsAsync("acme", subject.IndexKeys, Cancel));
    }

    [Fact]
    public async Task OptOuts_ConcurrentRecordsOfOneSubject_AllCommit()
    {
        // Two publishes of the same opt-out race: neither may fail the transaction that queues its SETs.
        await CreateStreamsAsync(TestData.Stream());

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Store.Sets.EnqueueAsync([TestData.Set($"opt-out-{i}")], Recorded(OptedOutJson), Cancel)));

        Assert.Single(await Store.OptOuts.FindOptOutsAsync("acme", TestData.Subject(OptedOutJson).IndexKeys, Cancel));
        Assert.Equal(8, (await Store.Sets.CountAsync("acme", "s1", Cancel)).Queued);
    }

    [Fact]
    public async Task OptOuts_Lifted_WithTheirSets_EndOnlyThoseNamed()
    {
        await CreateStreamsAsync(TestData.Stream());
        const string Complex = """{"format":"complex","user":{"format":"email","email":"a@example.com"},"tenant":{"format":"opaque","id":"acme"}}""";
        const string Other = """{"format":"email","email":"b@example.com"}""";
        foreach (var json in (string[])[OptedOutJson, Complex, Other])
        {
            await Store.Sets.EnqueueAsync([], Recorded(json), Cancel);
        }

        var lifted = new OptOutsLifted("acme", [TestData.Subject(OptedOutJson).SubjectKey, TestData.Subject(Complex).SubjectKey, "no-such-key"]);
        var queued = await Store.Sets.EnqueueAsync([TestData.Set("opt-in")], lifted, Cancel);

        Assert.Single(queued);
        Assert.Empty(await Store.OptOuts.FindOptOutsAsync("acme", TestData.Subject(Complex).IndexKeys, Cancel));
        Assert.Equal([TestData.Subject(Other).SubjectJson], (await Store.OptOuts.FindOptOutsAsync("acme", TestData.Subject(Other).IndexKeys, Cancel)).Select(o => o.SubjectJson));
    }

    [Fact]
    public async Task OptOuts_WhenQueueingTheSetsFails_NothingIsRecorded()
    {
        // The reported loss: SETs committed, opt-out not. Here the enqueue fails (a jti already on the stream), and the
        // opt-out must go with it — as the SETs would have stayed with a recorded opt-out.
        await CreateStreamsAsync(TestData.Stream());
        await Store.Sets.EnqueueAsync([TestData.Set("taken")], Cancel);

        await Assert.ThrowsAnyAsync<DbException>(() => Store.Sets.EnqueueAsync([TestData.Set("opt-out"), TestData.Set("taken")], Recorded(OptedOutJson), Cancel));

        Assert.Empty(await Store.OptOuts.FindOptOutsAsync("acme", TestData.Subject(OptedOutJson).IndexKeys, Cancel));
        Assert.Equal(1, (await Store.Sets.CountAsync("acme", "s1", Cancel)).Queued);
    }

    [Fact]
    public async Task OptOuts_WhenQueueingTheOptInFails_StayInForce()
    {
        await CreateStreamsAsync(TestData.Stream());
        await Store.Sets.EnqueueAsync([TestData.Set("taken")], Recorded(OptedOutJson), Cancel);
        var subject = TestData.Subject(OptedOutJson);

        await Assert.ThrowsAnyAsync<DbException>(() => Store.Sets.EnqueueAsync([TestData.Set("taken")], new OptOutsLifted("acme", [subject.SubjectKey]), Cancel));

        Assert.Single(await Store.OptOuts.FindOptOutsAsync("acme", subject.IndexKeys, Cancel));
    }

    private static OptOutRecorded Recorded(string json, string tenantId = "acme")
    {
        var subject = SubjectParser.Parse(json).Value;
        return new OptOutRecorded(tenantId, SubjectKeys.Key(subject), subject.CanonicalJson, SubjectKeys.IndexKeys(subject), TestData.Now);
    }
}
