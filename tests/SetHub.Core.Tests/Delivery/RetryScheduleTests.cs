using SetHub.Core.Delivery;

namespace SetHub.Core.Tests.Delivery;

public sealed class RetryScheduleTests
{
    private static readonly DeliveryOptions Options = new() { RetryBaseDelay = TimeSpan.FromSeconds(2), MaxRetryDelay = TimeSpan.FromMinutes(10) };

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(8, 256)]
    [InlineData(9, 512)]
    [InlineData(10, 600)]
    [InlineData(1000, 600)]
    public void NextDelay_GrowsExponentiallyWithJitter_UpToTheCap(int failures, int ceilingSeconds)
    {
        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var delay = RetrySchedule.NextDelay(failures, Options, random);

            Assert.InRange(delay, TimeSpan.FromSeconds(ceilingSeconds / 2.0), TimeSpan.FromSeconds(ceilingSeconds));
        }
    }

    [Fact]
    public void NextDelay_IsJittered()
    {
        var random = new Random(7);

        var delays = Enumerable.Range(0, 50).Select(_ => RetrySchedule.NextDelay(5, Options, random)).Distinct().Count();

        Assert.True(delays > 40);
    }

    [Fact]
    public void NextDelay_HonoursRetryAfter_UpToTheCap()
    {
        var random = new Random(1);

        Assert.Equal(TimeSpan.FromSeconds(90), RetrySchedule.NextDelay(1, Options, random, TimeSpan.FromSeconds(90)));
        Assert.Equal(TimeSpan.FromMinutes(10), RetrySchedule.NextDelay(1, Options, random, TimeSpan.FromHours(2)));
        Assert.InRange(RetrySchedule.NextDelay(1, Options, random, TimeSpan.FromMilliseconds(1)), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }
}
