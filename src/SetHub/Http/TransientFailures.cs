using System.Data.Common;
using Azure;
using Orleans.Runtime.Messaging;
using SetHub.Grains.Streams;

namespace SetHub.Http;

/// <summary>
/// Failures that pass on their own: the store unreachable or restarting, a node gone and not yet declared dead, a
/// grain that lost its log to a newer activation, a write that timed out.
/// </summary>
internal static class TransientFailures
{
    /// <summary>Whether the request failed because the store or a node is unavailable: its caller gets 503 with
    /// Retry-After, never 500.</summary>
    public static bool IsUnavailable(Exception? exception) => Any(exception, static failure => failure is DbException or RequestFailedException || IsClusterOrLog(failure));

    /// <summary>Whether an idempotent call that failed so is worth making again at once: a store error only when the
    /// driver calls it transient (a dropped connection, a restart), never one a retry would meet again.</summary>
    public static bool IsWorthRetrying(Exception? exception) => Any(exception, static failure => failure is DbException { IsTransient: true } || IsTransientAzure(failure) || IsClusterOrLog(failure));

    // Azure Storage: no answer (status 0), a timeout, throttling or a server error; never a 4xx a retry would meet again.
    private static bool IsTransientAzure(Exception failure) =>
        failure is RequestFailedException { Status: 0 or 408 or 429 or >= 500 };

    // A store or node that does not answer: a timeout (Azure.Core reports its network timeout as a cancellation of the
    // request it made, not of ours: callers check that the client did not go away), a broken connection, a silo gone.
    private static bool IsClusterOrLog(Exception failure) =>
        failure is TimeoutException or OperationCanceledException or IOException or System.Net.Sockets.SocketException or
            SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or LogFencedException;

    private static bool Any(Exception? exception, Func<Exception, bool> matches) => exception switch
    {
        null => false,
        _ when matches(exception) => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(inner => Any(inner, matches)),
        _ => Any(exception.InnerException, matches),
    };
}
