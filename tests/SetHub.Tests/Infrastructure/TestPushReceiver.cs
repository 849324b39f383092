using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SetHub.Tests.Infrastructure;

/// <summary>How the test receiver answers one push.</summary>
public enum ReceiverBehavior
{
    /// <summary>202 Accepted (RFC 8935 §2.2).</summary>
    Accept,

    /// <summary>400 with <c>{"err": "invalid_request"}</c>: permanent.</summary>
    RejectInvalidRequest,

    /// <summary>400 with <c>{"err": "access_denied"}</c>: may heal.</summary>
    RejectAccessDenied,

    /// <summary>400 with no body.</summary>
    RejectWithoutCode,

    /// <summary>429 with Retry-After: 1.</summary>
    TooManyRequests,

    /// <summary>503.</summary>
    Unavailable,

    /// <summary>Never answers (until the request is abandoned).</summary>
    Hang,

    /// <summary>Closes the connection without an answer.</summary>
    CloseConnection,

    /// <summary>Answers 202 only when the test calls <see cref="TestPushReceiver.Release"/> (or the request is abandoned).</summary>
    Hold,
}

/// <summary>A push the test receiver got.</summary>
/// <param name="Body">The request body (the compact SET).</param>
/// <param name="Authorization">The Authorization header, or <see langword="null"/>.</param>
/// <param name="ContentType">The Content-Type header.</param>
/// <param name="Accept">The Accept header.</param>
/// <param name="Answer">How the receiver answered.</param>
/// <param name="At">When it arrived.</param>
/// <param name="Completed">Completes when the receiver has answered it, or the sender gave up on it.</param>
public sealed record ReceivedPush(string Body, string? Authorization, string? ContentType, string? Accept, ReceiverBehavior Answer, DateTimeOffset At, Task Completed);

/// <summary>
/// A real RFC 8935 push receiver on a loopback Kestrel port. Each path (<c>/r/{name}</c>) is one endpoint with its
/// own scripted answers: the scripted ones in order, then the last one forever.
/// </summary>
public sealed class TestPushReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Endpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();

    private TestPushReceiver(WebApplication app) => _app = app;

    public static async Task<TestPushReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new TestPushReceiver(app);
        app.MapPost("/r/{name}", receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    public string BaseAddress => _app.Urls.First();

    /// <summary>The URL of endpoint <paramref name="name"/>, answering as scripted.</summary>
    public string Url(string name, params ReceiverBehavior[] script)
    {
        var endpoint = _endpoints.GetOrAdd(name, _ => new Endpoint());
        if (script.Length > 0)
        {
            endpoint.Script(script);
        }

        return $"{BaseAddress}/r/{name}";
    }

    /// <summary>Replaces the script of an endpoint.</summary>
    public void Script(string name, params ReceiverBehavior[] script) => _endpoints.GetOrAdd(name, _ => new Endpoint()).Script(script);

    /// <summary>Lets the pushes held at <paramref name="name"/> (<see cref="ReceiverBehavior.Hold"/>) be answered.</summary>
    public void Release(string name) => _endpoints.GetOrAdd(name, _ => new Endpoint()).Release();

    /// <summary>Waits for the next push to <paramref name="name"/>.</summary>
    public async Task<ReceivedPush> NextAsync(string name, TimeSpan? timeout = null)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            return await _endpoints.GetOrAdd(name, _ => new Endpoint()).Received.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No push reached '{name}' within {timeout ?? TimeSpan.FromSeconds(15)}.");
        }
    }

    /// <summary>Waits for the next push to <paramref name="name"/> that is not one of SetHub's own control SETs
    /// (verification, stream-updated).</summary>
    public async Task<ReceivedPush> NextEventAsync(string name, TimeSpan? timeout = null)
    {
        while (true)
        {
            var push = await NextAsync(name, timeout);
            if (!push.Body.Contains('.', StringComparison.Ordinal) || !IsControl(push.Body))
            {
                return push;
            }
        }
    }

    /// <summary>Whether a compact SET carries an SSF control event.</summary>
    public static bool IsControl(string set)
    {
        var payload = System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(set.Split('.')[1]));
        return payload.Contains("/ssf/event-type/", StringComparison.Ordinal);
    }

    /// <summary>Takes every push that reached <paramref name="name"/> so far, without waiting.</summary>
    public IReadOnlyList<ReceivedPush> Drain(string name)
    {
        var reader = _endpoints.GetOrAdd(name, _ => new Endpoint()).Received.Reader;
        var pushes = new List<ReceivedPush>();
        while (reader.TryRead(out var push))
        {
            pushes.Add(push);
        }

        return pushes;
    }

    /// <summary>Asserts that nothing reaches <paramref name="name"/> for <paramref name="quiet"/>.</summary>
    public async Task AssertNothingAsync(string name, TimeSpan quiet)
    {
        await Task.Delay(quiet, TestContext.Current.CancellationToken);
        Assert.False(_endpoints.GetOrAdd(name, _ => new Endpoint()).Received.Reader.TryRead(out var unexpected), $"Unexpected push to '{name}': {unexpected}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context, string name)
    {
        var endpoint = _endpoints.GetOrAdd(name, _ => new Endpoint());
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var answer = endpoint.NextAnswer();
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        context.Response.OnCompleted(() =>
        {
            completed.TrySetResult();
            return Task.CompletedTask;
        });
        context.RequestAborted.Register(() => completed.TrySetResult());
        endpoint.Received.Writer.TryWrite(new ReceivedPush(
            body,
            context.Request.Headers.Authorization.Count == 0 ? null : context.Request.Headers.Authorization.ToString(),
            context.Request.ContentType,
            context.Request.Headers.Accept.ToString(),
            answer,
            DateTimeOffset.UtcNow,
            completed.Task));

        switch (answer)
        {
            case ReceiverBehavior.Accept:
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                break;
            case ReceiverBehavior.RejectInvalidRequest:
                await WriteErrorAsync(context, "invalid_request", "the SET does not parse");
                break;
            case ReceiverBehavior.RejectAccessDenied:
                await WriteErrorAsync(context, "access_denied", "not allowed yet");
                break;
            case ReceiverBehavior.RejectWithoutCode:
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
            case ReceiverBehavior.Hold:
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token))
                {
                    await endpoint.Released.WaitAsync(linked.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                context.Response.StatusCode = StatusCodes.Status202Accepted;
                break;
            case ReceiverBehavior.TooManyRequests:
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
                break;
            case ReceiverBehavior.Unavailable:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                break;
            case ReceiverBehavior.Hang:
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token))
                {
                    await Task.Delay(Timeout.Infinite, linked.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                break;
            case ReceiverBehavior.CloseConnection:
                context.Abort();
                break;
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, string error, string description)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        context.Response.Headers.ContentLanguage = "en";
        await context.Response.WriteAsync($$"""{"err":"{{error}}","description":"{{description}}"}""");
    }

    private sealed class Endpoint
    {
        private readonly Lock _gate = new();
        private Queue<ReceiverBehavior> _script = new([ReceiverBehavior.Accept]);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Channel<ReceivedPush> Received { get; } = Channel.CreateUnbounded<ReceivedPush>();

        public Task Released => _released.Task;

        public void Release() => _released.TrySetResult();

        public void Script(ReceiverBehavior[] script)
        {
            lock (_gate)
            {
                _script = new Queue<ReceiverBehavior>(script);
            }
        }

        public ReceiverBehavior NextAnswer()
        {
            lock (_gate)
            {
                return _script.Count > 1 ? _script.Dequeue() : _script.Peek();
            }
        }
    }
}
