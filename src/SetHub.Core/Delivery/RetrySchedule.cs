namespace SetHub.Core.Delivery;

/// <summary>
/// Exponential backoff with jitter: the n-th consecutive failure waits between half and all of
/// min(MaxRetryDelay, RetryBaseDelay × 2^(n−1)) ("equal jitter"), so retries of many streams do not align. A receiver's
/// Retry-After is honoured up to MaxRetryDelay.
/// </summary>
public static class RetrySchedule
{
    /// <summary>The delay before the next attempt after <paramref name="failures"/> consecutive failures (1 or more).</summary>
    public static TimeSpan NextDelay(int failures, DeliveryOptions options, Random random, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        var ceiling = Math.Min(options.MaxRetryDelay.Ticks, options.RetryBaseDelay.Ticks * Math.Pow(2, Math.Clamp(failures - 1, 0, 62)));
        var delay = TimeSpan.FromTicks((long)((ceiling / 2) + (random.NextDouble() * ceiling / 2)));
        if (retryAfter is { } requested && requested > delay)
        {
            delay = requested < options.MaxRetryDelay ? requested : options.MaxRetryDelay;
        }

        return delay;
    }
}
