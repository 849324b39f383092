using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SetHub.Core.Delivery;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Core.Tests.Infrastructure;

namespace SetHub.Core.Tests.Delivery;

/// <summary>One claimed push stream worked through by <see cref="PushDeliveryProcessor"/>, with a scripted receiver
/// and a manual clock.</summary>
public sealed class PushDeliveryProcessorTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ManualTimeProvider _clock = new(Start);
    private readonly FakePushQueue _queue = new();
    private readonly ScriptedTransport _receiver;
    private readonly DeliveryOptions _options = new()
    {
        RetryBaseDelay = TimeSpan.FromSeconds(2),
        MaxRetryDelay = TimeSpan.FromMinutes(10),
        MaxDeliveryAge = TimeSpan.FromDays(3),
        RequestTimeout = TimeSpan.FromSeconds(10),
        StreamTimeSlice = TimeSpan.FromSeconds(1),
        StreamBatchSize = 20,
        LeaseDuration = TimeSpan.FromMinutes(5),
    };

    public PushDeliveryProcessorTests() => _receiver = new ScriptedTransport(_clock);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Batch_DeliversEverySet_InQueueOrder()
    {
        Queue("a", "b", "c");

        await ProcessAsync();

        Assert.Equal(["a", "b", "c"], _receiver.Sent);
        var release = Assert.Single(_queue.Releases);
        Assert.Equal(["a", "b", "c"], release.Delivered);
        Assert.Null(release.RetryAt);
        Assert.False(release.Unfinished);
    }

    // SSF 1.0 §8.1.2.1: a paused or disabled stream MUST NOT transmit, even in the middle of a batch.
    [Fact]
    public async Task Batch_StopsAtOnce_WhenTheStreamChangesMidBatch()
    {
        Queue("a", "b", "c", "d");
        _queue.CanSend = jti => jti != "c"; // paused (or deleted, re-pointed, lease lost) while "b" was being sent

        await ProcessAsync();

        Assert.Equal(["a", "b"], _receiver.Sent);
        Assert.Equal(["b", "c"], _queue.Checked); // the batch's first push needs no check: the claim was just made
        var release = Assert.Single(_queue.Releases);
        Assert.Equal(["a", "b"], release.Delivered);
        Assert.Null(release.Failed);
        Assert.True(release.Unfinished); // whatever push work is left is rescheduled by the store
    }

    [Fact]
    public async Task Batch_HandsTheStreamBack_WhenItsTimeSliceIsUsedUp()
    {
        Queue("a", "b", "c", "d");
        _receiver.Latency = TimeSpan.FromMilliseconds(600);

        await ProcessAsync();

        Assert.Equal(["a", "b"], _receiver.Sent); // 0.6 s, then 1.2 s ≥ the 1 s slice
        var release = Assert.Single(_queue.Releases);
        Assert.True(release.Unfinished);
        Assert.Null(release.RetryAt);
    }

    [Fact]
    public async Task Batch_NeverStartsAPush_ThatCouldOutlastTheLease()
    {
        Queue("a", "b");
        _options.StreamTimeSlice = TimeSpan.FromMinutes(1);
        _receiver.Latency = TimeSpan.FromSeconds(6);

        await ProcessAsync(leaseLeft: TimeSpan.FromSeconds(25));

        // "a" starts with 25 s of lease left (more than 2 × RequestTimeout); "b" would start with 19 s left.
        Assert.Equal(["a"], _receiver.Sent);
        Assert.True(Assert.Single(_queue.Releases).Unfinished);
    }

    // RFC 8935 §4 (R28): retry after a recoverable failure, after a wait; the stream waits in order.
    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(401)]
    [InlineData(null)] // no answer: timeout or network error
    public async Task RetryableFailure_StopsTheBatch_AndBacksOff(int? status)
    {
        Queue("a", "b", "c");
        _receiver.Answer(new PushResponse(202), status is { } code ? new PushResponse(code) : PushResponse.TransportFailure("connection reset"));

        await ProcessAsync(failures: 2);

        Assert.Equal(["a", "b"], _receiver.Sent);
        var release = Assert.Single(_queue.Releases);
        Assert.Equal(["a"], release.Delivered);
        Assert.Equal("b", release.Failed?.Jti);
        Assert.InRange(release.RetryAt!.Value - _clock.GetUtcNow(), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10)); // third failure: 2 s × 2²
    }

    [Fact]
    public async Task RetryAfter_IsHonoured()
    {
        Queue("a");
        _receiver.Answer(new PushResponse(429, RetryAfter: TimeSpan.FromSeconds(90)));

        await ProcessAsync();

        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromSeconds(90), Assert.Single(_queue.Releases).RetryAt);
    }

    // R29: a 400 invalid_request cannot succeed on retry: dead-lettered, and the batch goes on.
    [Fact]
    public async Task PermanentRejection_DeadLettersTheSet_AndTheBatchGoesOn()
    {
        Queue("a", "b");
        _receiver.Answer(new PushResponse(400, "invalid_request", "not a SET"));

        await ProcessAsync();

        Assert.Equal(["a", "b"], _receiver.Sent);
        var release = Assert.Single(_queue.Releases);
        Assert.Equal(["b"], release.Delivered);
        Assert.Equal(("a", "HTTP 400 invalid_request: not a SET"), Assert.Single(release.DeadLettered));
        Assert.Null(release.RetryAt);
    }

    [Fact]
    public async Task ExpiredSet_IsDeadLetteredWithItsLastError_WithoutAnotherAttempt()
    {
        _queue.Pending.Add(new PendingSet("old", "old", 40, Start - TimeSpan.FromDays(3), "HTTP 503"));
        Queue("fresh");

        await ProcessAsync();

        Assert.Equal(["fresh"], _receiver.Sent);
        var (jti, error) = Assert.Single(Assert.Single(_queue.Releases).Expired);
        Assert.Equal("old", jti);
        Assert.EndsWith("last error: HTTP 503", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamNoLongerPush_SendsNothing()
    {
        Queue("a");

        await ProcessAsync(stream: Stream() with { Delivery = new DeliverySettings(SsfConstants.DeliveryMethods.Poll, "https://hub.example.com/poll") });

        Assert.Empty(_receiver.Sent);
        Assert.False(Assert.Single(_queue.Releases).MadeProgress);
    }

    [Fact]
    public async Task UnexpectedError_CountsAsAFailedAttempt_NeverASpin()
    {
        Queue("a");
        _receiver.OnSend = _ => throw new InvalidOperationException("a bug");

        await ProcessAsync();

        Assert.NotNull(Assert.Single(_queue.Releases).RetryAt);
    }

    [Fact]
    public async Task FailedRelease_IsRetried_WhileTheLeaseHolds()
    {
        Queue("a");
        _queue.FailingReleases = 2;

        await ProcessAsync();

        Assert.Equal(["a"], Assert.Single(_queue.Releases).Delivered);
    }

    private void Queue(params string[] jtis)
    {
        foreach (var jti in jtis)
        {
            _queue.Pending.Add(new PendingSet(jti, jti, 0, Start, null));
        }
    }

    private static EventStream Stream() => new(
        "acme", "s1", "r1", "https://rp.example.com", null, [SsfConstants.CaepEvents.SessionRevoked],
        new DeliverySettings(SsfConstants.DeliveryMethods.Push, "https://rp.example.com/events", "Bearer secret"),
        null, StreamStatus.Enabled, null, SsfConstants.Algorithms.ES256, SsfConstants.DefaultSubjects.None, null, null, Start, Start, 7);

    private Task<DateTimeOffset?> ProcessAsync(int failures = 0, TimeSpan? leaseLeft = null, EventStream? stream = null)
    {
        var processor = new PushDeliveryProcessor(
            new OneStreamStore(stream ?? Stream()), _queue, _receiver, Options.Create(_options), _clock, new Random(5), NullLogger<PushDeliveryProcessor>.Instance);
        var claim = new ClaimedStream("acme", "s1", failures, "node/1", _clock.GetUtcNow() + (leaseLeft ?? _options.LeaseDuration));
        return processor.ProcessAsync(claim, Cancel);
    }
}
