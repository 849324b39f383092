namespace SetHub.Storage.Relational.SetLog;

/// <summary>The <c>state</c> column of <c>set_log</c>. The migrations' partial index <c>set_log_queued</c> is on
/// <see cref="Queued"/> (0).</summary>
internal static class LogStates
{
    /// <summary>Waiting for delivery or acknowledgement.</summary>
    public const int Queued = 0;

    /// <summary>Dead-lettered, kept with its last error.</summary>
    public const int Dead = 1;
}
