using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SetHub.Core.Delivery;
using SetHub.Grains.Delivery;
using SetHub.Grains.Streams;

namespace SetHub.Delivery;

/// <summary>
/// The silo's push sender: stream grains hand it one SET at a time per stream, and it makes the requests outside any
/// grain turn, up to <see cref="DeliveryOptions.MaxConcurrentPushes"/> at once, then reports each outcome back to its
/// stream. A receiver that hangs holds one sender for its request timeout and nothing else: its stream still answers
/// management calls, and every other stream keeps flowing.
/// </summary>
internal sealed partial class PushDispatcher(
    IPushTransport transport,
    IGrainFactory grains,
    IOptions<DeliveryOptions> options,
    ILogger<PushDispatcher> logger) : BackgroundService, IPushDispatcher
{
    private readonly Channel<PushRequest> _queue = Channel.CreateUnbounded<PushRequest>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });

    public void Dispatch(PushRequest request)
    {
        // A full or completed queue only happens while stopping: the stream, hearing nothing, resumes in its next activation.
        _queue.Writer.TryWrite(request);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.MaxConcurrentPushes).Select(_ => SendLoopAsync(stoppingToken)));

    private async Task SendLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var request in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await SendAsync(request, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task SendAsync(PushRequest request, CancellationToken stoppingToken)
    {
        PushOutcome outcome;
        try
        {
            outcome = PushOutcome.Classify(await transport.SendAsync(request.EndpointUrl, request.AuthorizationHeader, request.Token, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await grains.GetGrain<IStreamGrain>(request.Stream.ToString()).RecordPushOutcome(
                new PushReport(request.Epoch, request.ConfigVersion, request.Position, outcome.Kind, outcome.Error, outcome.RetryAfter));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // The stream moved or its silo is gone: its next activation sends the SET again (at least once).
            LogReportFailed(logger, request.Stream.ToString(), exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report a push outcome to stream {Stream}; it will send the SET again.")]
    private static partial void LogReportFailed(ILogger logger, string stream, Exception exception);
}
