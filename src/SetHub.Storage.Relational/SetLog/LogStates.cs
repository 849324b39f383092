using SetHub.Core.Storage;

namespace SetHub.Storage.Relational.SetLog;

/// <summary>The <c>state</c> column of <c>set_log</c>. The migrations' partial index <c>set_log_queued</c> is on
/// <see cref="Queued"/> (0).</summary>
internal static class LogStates
{
    /// <summary>Waiting for delivery or acknowledgement.</summary>
    public const int Queued = 0;

    /// <summary>Dead-lettered, kept with its last error.</summary>
    public const int Dead = 1;

    /// <summary>Pushed and accepted; kept (without its token) for the trace retention. The partial index
    /// <c>set_log_done</c> is on this state and <see cref="Acknowledged"/>.</summary>
    public const int Delivered = 2;

    /// <summary>Polled and acknowledged; kept like <see cref="Delivered"/>.</summary>
    public const int Acknowledged = 3;

    /// <summary>The state a removal leaves a SET in.</summary>
    public static int DoneState(bool acknowledged) => acknowledged ? Acknowledged : Delivered;

    /// <summary>The state as Core names it.</summary>
    public static LoggedSetState ToLoggedState(int state) => state switch
    {
        Queued => LoggedSetState.Queued,
        Dead => LoggedSetState.DeadLettered,
        Delivered => LoggedSetState.Delivered,
        _ => LoggedSetState.Acknowledged,
    };
}
