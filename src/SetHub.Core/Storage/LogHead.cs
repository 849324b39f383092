namespace SetHub.Core.Storage;

/// <summary>
/// The head record of a stream's log: which activation owns it (its epoch) and where push delivery stands. Every
/// write to the stream's log is conditional on the epoch, so of two activations of one stream (Orleans' single
/// activation is eventually consistent) only the one that claimed last can append or record outcomes.
/// </summary>
/// <param name="Epoch">The epoch of the activation that claimed the log last.</param>
/// <param name="Failures">Consecutive failed push attempts (drives the backoff).</param>
/// <param name="NextAttemptAt">When the next push attempt is due after a failure, or <see langword="null"/>.</param>
public sealed record LogHead(long Epoch, int Failures, DateTimeOffset? NextAttemptAt);

/// <summary>What a claim returns: the new epoch, the stored push state, and the oldest waiting SETs.</summary>
/// <param name="Head">The head as claimed (with the new epoch).</param>
/// <param name="Window">The oldest queued SETs, in order, at most the number asked for.</param>
/// <param name="IsComplete">Whether <paramref name="Window"/> holds every queued SET of the stream.</param>
public sealed record LogClaim(LogHead Head, IReadOnlyList<LogEntry> Window, bool IsComplete);
