using System.Net.Http.Headers;
using System.Text.Json;
using SetHub.Bench.Measure;

namespace SetHub.Bench.Load;

/// <summary>The end of one publish: accepted (202) for how many streams, after how many attempts, or why not.</summary>
public sealed record PublishOutcome(bool Accepted, int Streams, int Attempts, string? Error);

/// <summary>
/// Publishes events of one tenant through <c>POST /admin/tenants/{id}/events</c>, spreading publishes over the nodes
/// round robin, or each to the node that <c>route</c> (when given) picks by its txn: crossnode publishes through another
/// node than the one its stream's poll waits on. With retries on, a publish that fails with 5xx or a broken
/// connection is sent again to the node after the one that failed, with the same body (so the same <c>txn</c>), as a
/// careful publisher would.
/// </summary>
public sealed class Publisher(
    HttpClient http, IReadOnlyList<Uri> nodes, string tenantId, string token, DeliveryLedger ledger, Func<string, int>? route = null)
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);
    private const int MaxAttempts = 20;

    private long _next = -1;
    private long _attempts;
    private long _retries;
    private long _failures;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _errors = new(StringComparer.Ordinal);

    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Attempts that were retries of a failed one.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Publishes that were never accepted.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Failed attempts by kind ("503", "connection refused", …), for the report.</summary>
    public IReadOnlyDictionary<string, int> Errors
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_errors, StringComparer.Ordinal);
            }
        }
    }

    public async Task<PublishOutcome> PublishAsync(string txn, byte[] body, bool retry, CancellationToken cancellationToken)
    {
        ledger.Sending(txn);
        // A retry goes to the next node of this publish's own sequence: taking the next of the shared round robin
        // could land on the dead node again and again, whenever other publishes advance it by a multiple of the nodes.
        var first = route is null ? (int)((ulong)Interlocked.Increment(ref _next) % (ulong)nodes.Count) : route(txn);
        for (var attempt = 1; ; attempt++)
        {
            var node = nodes[(first + attempt - 1) % nodes.Count];
            Interlocked.Increment(ref _attempts);
            var (streams, error) = await SendAsync(node, body, cancellationToken);
            if (error is null)
            {
                ledger.Accepted(txn, streams);
                return new PublishOutcome(true, streams, attempt, null);
            }

            Record(error.Value.Kind);
            if (!retry || !error.Value.Retryable || attempt >= MaxAttempts || cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failures);
                return new PublishOutcome(false, 0, attempt, error.Value.Kind);
            }

            Interlocked.Increment(ref _retries);
            await Task.Delay(RetryPause, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<(int Streams, (string Kind, bool Retryable)? Error)> SendAsync(Uri node, byte[] body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AttemptTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node, $"/admin/tenants/{tenantId}/events"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            var answer = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            var status = (int)response.StatusCode;
            if (status == 202)
            {
                using var document = JsonDocument.Parse(answer);
                return (document.RootElement.GetProperty("streams").GetInt32(), null);
            }

            return (0, (status.ToString(System.Globalization.CultureInfo.InvariantCulture), status >= 500));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (0, ("timeout", true));
        }
        catch (HttpRequestException exception)
        {
            return (0, (exception.HttpRequestError.ToString(), true));
        }
    }

    private void Record(string kind)
    {
        lock (_gate)
        {
            _errors[kind] = _errors.GetValueOrDefault(kind) + 1;
        }
    }
}
