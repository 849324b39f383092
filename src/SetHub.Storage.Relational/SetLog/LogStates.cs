using SetHub.Core.Storage;

namespace SetHub.Storage.Relational.SetLog;

/// <summary>The <c>state</c> column of <c>set_log</c>. The migrations' partial index <c>set_log_queued</c> is on
/// <see cref="Queued"/> (0).</summary>
internal static class LogStates
{
    /// <summary>Waiting for delivery or acknowledgement.</summary>
    public const int Queued = (int)LoggedSetState.Queued;

    /// <summary>Dead-lettered, kept with its last error.</summary>
    public const int Dead = (int)LoggedSetState.DeadLettered;

    /// <summary>Pushed and accepted; kept (without its token) for the trace retention. The partial index
    /// <c>set_log_done</c> is on this state and <see cref="Acknowledged"/>.</summary>
    public const int Delivered = (int)LoggedSetState.Delivered;

    /// <summary>Polled and acknowledged; kept like <see cref="Delivered"/>.</summary>
    public const int Acknowledged = (int)LoggedSetState.Acknowledged;

    /// <summary>The state a removal leaves a SET in.</summary>
    public static int DoneState(bool acknowledged) => acknowledged ? Acknowledged : Delivered;
}
