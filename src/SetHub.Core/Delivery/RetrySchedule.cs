namespace SetHub.Core.Delivery;

/// <summary>
/// Exponential backoff with jitter. The n-th consecutive failure waits at least RetryBaseDelay × 2^(n−1) and up to a
/// quarter more, so no retry comes before its nominal delay (the first never before RetryBaseDelay) and retries of many
/// streams do not align; no wait exceeds MaxRetryDelay, and once the doubling reaches it the waits spread over its
/// last fifth. A receiver's Retry-After (RFC 9110 §10.2.3) is honoured up to MaxRetryDelay.
/// </summary>
public static class RetrySchedule
{
    private const double Jitter = 0.25;
    private const double CapSpread = 0.2;

    /// <summary>The delay before the next attempt after <paramref name="failures"/> consecutive failures (1 or more).</summary>
    public static TimeSpan NextDelay(int failures, DeliveryOptions options, Random random, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        var cap = (double)options.MaxRetryDelay.Ticks;
        var nominal = Math.Min(cap, options.RetryBaseDelay.Ticks * Math.Pow(2, Math.Clamp(failures - 1, 0, 62)));
        var upper = Math.Min(cap, nominal * (1 + Jitter));
        var lower = nominal < cap ? nominal : cap * (1 - CapSpread);
        var delay = TimeSpan.FromTicks((long)(lower + (random.NextDouble() * (upper - lower))));
        if (retryAfter is { } requested && requested > delay)
        {
            delay = requested < options.MaxRetryDelay ? requested : options.MaxRetryDelay;
        }

        return delay;
    }
}
