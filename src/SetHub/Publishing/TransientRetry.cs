using SetHub.Http;

namespace SetHub.Publishing;

/// <summary>
/// Makes an idempotent grain call again while it fails transiently (a node dying and not yet declared dead, usually a
/// second or two; a database restart; a fenced activation leaving its place to the newer one), with jittered
/// exponential pauses, until a deadline: then the failure goes to the caller, who answers 503.
/// </summary>
internal static class TransientRetry
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MaxPause = TimeSpan.FromMilliseconds(500);

    public static async Task<T> RunAsync<T>(Func<Task<T>> call, DateTimeOffset deadline, TimeProvider time)
    {
        var pause = FirstPause;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception exception) when (TransientFailures.IsWorthRetrying(exception) && time.GetUtcNow() + pause < deadline)
            {
                await Task.Delay(pause * (0.75 + (Random.Shared.NextDouble() / 2)), time);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxPause.Ticks));
            }
        }
    }
}
