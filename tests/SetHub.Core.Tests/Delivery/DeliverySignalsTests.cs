using SetHub.Core.Delivery;
using SetHub.Core.Storage;

namespace SetHub.Core.Tests.Delivery;

public sealed class DeliverySignalsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WaitForStream_WakesOnAnAnnouncementForThatStreamOnly()
    {
        var signals = new InProcessDeliverySignals();
        var waitA = signals.WaitForStreamAsync("t", "a", TimeSpan.FromSeconds(10), Cancel);
        var waitB = signals.WaitForStreamAsync("t", "b", TimeSpan.FromMilliseconds(200), Cancel);

        signals.Announce("t", "a", SetLane.Poll);

        Assert.True(await waitA);
        Assert.False(await waitB);
    }

    [Fact]
    public async Task WaitForStream_ManyWaiters_AllWake_AndATimedOutOneDoesNotDisturbTheOthers()
    {
        var signals = new InProcessDeliverySignals();
        var early = signals.WaitForStreamAsync("t", "s", TimeSpan.FromMilliseconds(50), Cancel);
        var waiters = Enumerable.Range(0, 1000).Select(_ => signals.WaitForStreamAsync("t", "s", TimeSpan.FromSeconds(10), Cancel)).ToArray();
        Assert.False(await early);

        signals.Announce("t", "s", SetLane.Poll);

        Assert.All(await Task.WhenAll(waiters), Assert.True);
    }

    [Fact]
    public async Task WaitForPushWork_WakesOnPushAnnouncementsOnly()
    {
        var signals = new InProcessDeliverySignals();
        var push = signals.WaitForPushWorkAsync(TimeSpan.FromSeconds(10), Cancel);

        signals.Announce("t", "s", SetLane.Poll);
        await Task.Delay(50, Cancel);
        Assert.False(push.IsCompleted);

        signals.Announce("t", "s", SetLane.Push);
        await push.WaitAsync(TimeSpan.FromSeconds(5), Cancel);
    }

    [Fact]
    public async Task WaitForStream_HonoursCancellation()
    {
        var signals = new InProcessDeliverySignals();
        using var cancel = new CancellationTokenSource(50);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => signals.WaitForStreamAsync("t", "s", TimeSpan.FromSeconds(10), cancel.Token));
    }
}
