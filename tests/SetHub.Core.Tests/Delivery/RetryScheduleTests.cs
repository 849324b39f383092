using SetHub.Core.Delivery;

namespace SetHub.Core.Tests.Delivery;

public sealed class RetryScheduleTests
{
    private static readonly DeliveryOptions Options = new() { RetryBaseDelay = TimeSpan.FromSeconds(2), MaxRetryDelay = TimeSpan.FromMinutes(10) };

    // interface.md: RetryBaseDelay is the first retry delay, later ones grow exponentially with jitter, MaxRetryDelay caps one.
    [Theory]
    [InlineData(1, 2, 2.5)]
    [InlineData(2, 4, 5)]
    [InlineData(3, 8, 10)]
    [InlineData(8, 256, 320)]
    [InlineData(9, 512, 600)]
    [InlineData(10, 480, 600)]
    [InlineData(1000, 480, 600)]
    public void NextDelay_GrowsExponentiallyWithJitter_UpToTheCap(int failures, double lowerSeconds, double upperSeconds)
    {
        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var delay = RetrySchedule.NextDelay(failures, Options, random);

            Assert.InRange(delay, TimeSpan.FromSeconds(lowerSeconds), TimeSpan.FromSeconds(upperSeconds));
        }
    }

    [Fact]
    public void NextDelay_FirstRetry_NeverComesBeforeTheBaseDelay()
    {
        var random = new Random(3);

        var shortest = Enumerable.Range(0, 1000).Min(_ => RetrySchedule.NextDelay(1, Options, random));

        Assert.True(shortest >= Options.RetryBaseDelay, $"{shortest} < {Options.RetryBaseDelay}");
    }

    [Fact]
    public void NextDelay_FirstRetry_NeverComesBeforeTheBaseDelay_EvenWhenTheBaseIsCloseToTheCap()
    {
        var close = new DeliveryOptions { RetryBaseDelay = TimeSpan.FromSeconds(9), MaxRetryDelay = TimeSpan.FromSeconds(10) };
        var random = new Random(11);

        Assert.All(Enumerable.Range(0, 200).Select(_ => RetrySchedule.NextDelay(1, close, random)), delay => Assert.InRange(delay, close.RetryBaseDelay, close.MaxRetryDelay));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(50)]
    public void NextDelay_IsJittered(int failures)
    {
        var random = new Random(7);

        var delays = Enumerable.Range(0, 50).Select(_ => RetrySchedule.NextDelay(failures, Options, random)).Distinct().Count();

        Assert.True(delays > 40);
    }

    [Fact]
    public void NextDelay_HonoursRetryAfter_UpToTheCap()
    {
        var random = new Random(1);

        Assert.Equal(TimeSpan.FromSeconds(90), RetrySchedule.NextDelay(1, Options, random, TimeSpan.FromSeconds(90)));
        Assert.Equal(TimeSpan.FromMinutes(10), RetrySchedule.NextDelay(1, Options, random, TimeSpan.FromHours(2)));
        Assert.InRange(RetrySchedule.NextDelay(1, Options, random, TimeSpan.FromMilliseconds(1)), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.5));
    }
}
