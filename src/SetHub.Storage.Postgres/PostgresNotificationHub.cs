using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using SetHub.Core.Caching;
using SetHub.Core.Delivery;
using SetHub.Core.Storage;

namespace SetHub.Storage.Postgres;

/// <summary>
/// Cross-node messages over PostgreSQL <c>LISTEN/NOTIFY</c> on one channel: "SETs queued on stream X" (wakes long
/// polls and push workers on every node within milliseconds) and "cache scope Y changed". One listening connection
/// per node; messages are batched into as few notifications as possible. Messages are hints: a node that reconnects
/// may have missed some, so it wakes every waiter and drops every cache entry, and waiters re-check the store on
/// their own every few seconds anyway.
/// </summary>
public sealed partial class PostgresNotificationHub : IHostedService, IAsyncDisposable
{
    private const string ChannelName = "sethub";
    private const int MaxPayloadBytes = 7900; // PostgreSQL's limit is 8000 bytes

    private readonly PostgresDatabase _database;
    private readonly InProcessDeliverySignals _signals;
    private readonly ILogger<PostgresNotificationHub> _logger;
    private readonly string _node = Guid.NewGuid().ToString("N")[..12];
    private const int MaxQueuedMessages = 100_000;

    // Bounded: when the database is too slow to take the messages, the surplus is replaced by one "drop every cache,
    // wake every waiter" message, which is always correct, only less precise. (With DropWrite, TryWrite reports
    // success for a dropped message; only the itemDropped callback tells.)
    private readonly Channel<string> _outgoing;

    private int _overflowed;
    private readonly CancellationTokenSource _stopping = new();
    private Task _listening = Task.CompletedTask;
    private Task _sending = Task.CompletedTask;

    /// <summary>Creates the hub; <see cref="StartAsync"/> connects it.</summary>
    public PostgresNotificationHub(PostgresDatabase database, InProcessDeliverySignals signals, ILogger<PostgresNotificationHub> logger)
    {
        _database = database;
        _signals = signals;
        _logger = logger;
        _outgoing = Channel.CreateBounded<string>(
            new BoundedChannelOptions(MaxQueuedMessages) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite },
            _ => Interlocked.Exchange(ref _overflowed, 1));
    }

    /// <summary>Raised for a cache scope changed on another node (or <see cref="ICacheInvalidation.Everything"/>).</summary>
    public event Action<string>? CacheInvalidated;

    /// <summary>Whether the listener is connected; while it is not, other nodes' messages are not heard.</summary>
    public bool IsListening { get; private set; }

    /// <summary>Tells the other nodes that a stream has new deliverable SETs in <paramref name="lane"/>.</summary>
    public void SendStreamSignal(string tenantId, string streamId, SetLane lane) => Send($"s {(int)lane} {tenantId} {streamId}");

    /// <summary>Tells the other nodes that <paramref name="scope"/> changed.</summary>
    public void SendCacheInvalidation(string scope) => Send($"c {scope}");

    private void Send(string message)
    {
        if (!_outgoing.Writer.TryWrite(message))
        {
            Interlocked.Exchange(ref _overflowed, 1); // completed: the node is stopping
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listening = Task.Run(() => ListenAsync(_stopping.Token), CancellationToken.None);
        _sending = Task.Run(() => SendAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _outgoing.Writer.TryComplete();
        await _stopping.CancelAsync();
        await Task.WhenAll(_listening, _sending).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { KeepAlive = 15, Pooling = false };
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(stopping);
                connection.Notification += (_, notification) => Receive(notification.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {ChannelName}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                // Messages sent while this node was not listening are lost: start from a clean slate.
                IsListening = true;
                delay = TimeSpan.FromMilliseconds(250);
                CacheInvalidated?.Invoke(ICacheInvalidation.Everything);
                _signals.AnnounceAll();
                while (!stopping.IsCancellationRequested)
                {
                    await connection.WaitAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // Whatever broke the connection (network, server restart, a bug in a handler), listen again: a node
                // that stops listening would rely on its periodic re-checks for good.
                IsListening = false;
                LogListenerLost(_logger, delay, exception);
                await Task.Delay(delay, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }

        IsListening = false;
    }

    private async Task SendAsync(CancellationToken stopping)
    {
        var batch = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (await _outgoing.Reader.WaitToReadAsync(stopping))
            {
                batch.Clear();
                if (Interlocked.Exchange(ref _overflowed, 0) == 1)
                {
                    batch.Add($"c {ICacheInvalidation.Everything}");
                    batch.Add("w");
                }

                while (batch.Count < 10_000 && _outgoing.Reader.TryRead(out var message))
                {
                    batch.Add(message);
                }

                await PublishAsync(batch, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task PublishAsync(IReadOnlyCollection<string> messages, CancellationToken stopping)
    {
        // The limit is in bytes: tenant ids and scopes are ASCII, but count UTF-8 bytes anyway.
        var payload = new StringBuilder(MaxPayloadBytes);
        var bytes = 0;
        foreach (var message in messages)
        {
            var size = Encoding.UTF8.GetByteCount(message) + 1;
            if (payload.Length > 0 && bytes + size > MaxPayloadBytes)
            {
                await NotifyAsync(payload.ToString(), stopping);
                payload.Clear();
            }

            if (payload.Length == 0)
            {
                payload.Append($"from {_node}");
                bytes = payload.Length;
            }

            payload.Append('\n').Append(message);
            bytes += size;
        }

        if (payload.Length > 0)
        {
            await NotifyAsync(payload.ToString(), stopping);
        }
    }

    private async Task NotifyAsync(string payload, CancellationToken stopping)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await _database.OpenAsync(stopping);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT pg_notify(@channel, @payload)";
                command.Parameters.Add(new NpgsqlParameter("channel", ChannelName));
                command.Parameters.Add(new NpgsqlParameter("payload", payload));
                await command.ExecuteNonQueryAsync(stopping);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException && attempt < 3)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), stopping);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The database stays unreachable: the message is lost. The other nodes' caches expire within a minute
                // and their waiters re-check the store every few seconds; when this node's messages flow again, the
                // next batch tells everyone to start afresh.
                LogNotifyFailed(_logger, exception);
                Interlocked.Exchange(ref _overflowed, 1);
                return;
            }
        }
    }

    private void Receive(string payload)
    {
        try
        {
            Dispatch(payload);
        }
        catch (Exception exception)
        {
            // A failing subscriber must not take the listening connection down with it.
            LogDispatchFailed(_logger, exception);
        }
    }

    private void Dispatch(string payload)
    {
        var lines = payload.Split('\n');
        if (lines.Length == 0 || lines[0] == $"from {_node}")
        {
            return; // this node's own messages were applied locally when sent
        }

        foreach (var line in lines.AsSpan(1))
        {
            var parts = line.Split(' ');
            if (parts is ["s", var lane, var tenantId, var streamId] && int.TryParse(lane, out var laneValue))
            {
                _signals.Announce(tenantId, streamId, (SetLane)laneValue);
            }
            else if (parts is ["c", var scope])
            {
                CacheInvalidated?.Invoke(scope);
            }
            else if (parts is ["w"])
            {
                _signals.AnnounceAll();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the PostgreSQL notification listener; reconnecting in {Delay}. Until then, nodes rely on periodic re-checks.")]
    private static partial void LogListenerLost(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a notification from another node failed.")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send a PostgreSQL notification to the other nodes; they will catch up from the store.")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception);
}
