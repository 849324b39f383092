namespace SetHub.Storage.Relational.Providers;

/// <summary>Orleans' <see cref="DateTime"/> values as the Unix milliseconds every SetHub table stores.</summary>
internal static class OrleansTime
{
    /// <summary>Unix milliseconds of <paramref name="time"/>; an unspecified kind is taken as UTC, as Orleans means it.</summary>
    public static long ToUnixMilliseconds(DateTime time) =>
        new DateTimeOffset(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc))
            .ToUnixTimeMilliseconds();

    /// <summary>The UTC <see cref="DateTime"/> of Unix milliseconds.</summary>
    public static DateTime FromUnixMilliseconds(long milliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime;
}
