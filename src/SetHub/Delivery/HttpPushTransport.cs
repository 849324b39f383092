using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SetHub.Core;
using SetHub.Core.Delivery;

namespace SetHub.Delivery;

/// <summary>
/// RFC 8935 §2 push over HttpClient: POST the compact SET as <c>application/secevent+jwt</c>, <c>Accept:
/// application/json</c>, and the stream's <c>authorization_header</c> verbatim (SSF 1.0 §6.1.1), none otherwise.
/// TLS 1.2+ with certificate validation (R30), no redirects, and a connect hook that refuses non-public addresses at
/// every connection unless <see cref="DeliveryOptions.AllowPrivateEndpoints"/> is set.
/// </summary>
internal sealed class HttpPushTransport : IPushTransport, IDisposable
{
    private const int MaxErrorBodyBytes = 16 * 1024;
    private static readonly MediaTypeHeaderValue SetMediaType = new(SsfConstants.MediaTypes.SecEventJwt);

    private readonly HttpClient _client;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _timeProvider;

    public HttpPushTransport(IOptions<DeliveryOptions> options, TimeProvider timeProvider)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,

            // An environment proxy would make the connect hook check the proxy's address instead of the receiver's.
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ConnectCallback = ConnectAsync,
            SslOptions = { EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 },
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("SetHub", "1.0"));
    }

    public async Task<PushResponse> SendAsync(string endpointUrl, string? authorizationHeader, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpointUrl)
        {
            Content = new StringContent(token, Encoding.ASCII),
        };
        request.Content.Headers.ContentType = SetMediaType;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(SsfConstants.MediaTypes.Json));
        if (authorizationHeader is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorizationHeader);
        }

        if (!_options.AllowPrivateEndpoints && request.RequestUri!.Scheme != Uri.UriSchemeHttps)
        {
            return PushResponse.TransportFailure("the endpoint is not https");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status == 400)
            {
                var (error, description) = await ReadErrorAsync(response, timeout.Token);
                return new PushResponse(status, error, description);
            }

            return new PushResponse(status, RetryAfter: RetryAfter(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return PushResponse.TransportFailure($"timed out after {_options.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever the network or the receiver did (reset mid-body, refused address, TLS failure), it is this
            // attempt's failure, to be retried; only the caller's own cancellation escapes.
            return PushResponse.TransportFailure(exception.InnerException?.Message ?? exception.Message);
        }
    }

    public void Dispose() => _client.Dispose();

    // RFC 8935 §2.3: {"err": …, "description": …}. The top-level members are read token by token from at most the
    // first 16 KiB, so a long description cannot hide the error code; a body that is not a JSON object has none.
    private static async Task<(string? Error, string? Description)> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxErrorBodyBytes];
        var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        return ReadErrorMembers(buffer.AsSpan(0, length), isComplete: length < buffer.Length);
    }

    internal static (string? Error, string? Description) ReadErrorMembers(ReadOnlySpan<byte> json, bool isComplete)
    {
        string? error = null;
        string? description = null;
        var reader = new Utf8JsonReader(json, isFinalBlock: isComplete, state: default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, null);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                if (!reader.Read())
                {
                    break;
                }

                if (reader.TokenType == JsonTokenType.String && name == "err")
                {
                    error = reader.GetString();
                }
                else if (reader.TokenType == JsonTokenType.String && name == "description")
                {
                    description = reader.GetString();
                }
                else if (!reader.TrySkip())
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed or cut off: keep what was read.
        }

        return (error, description);
    }

    // RFC 9110 §10.2.3: delay-seconds or an HTTP-date.
    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _timeProvider.GetUtcNow(),
        _ => null,
    };

    // Resolves the host itself and connects only to allowed addresses, so a name that resolves to an internal address
    // (or is re-pointed at one after the stream was created) is refused at the socket.
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var allowed = _options.AllowPrivateEndpoints ? addresses : addresses.Where(NetworkAddresses.IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to no public address; push to internal addresses is not allowed.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
