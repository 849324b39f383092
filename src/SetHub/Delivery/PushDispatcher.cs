using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SetHub.Core.Delivery;
using SetHub.Grains.Delivery;
using SetHub.Snapshots;

namespace SetHub.Delivery;

/// <summary>
/// The silo's push sender: stream grains hand it one SET at a time per stream, and it makes the requests outside any
/// grain turn, up to <see cref="DeliveryOptions.MaxConcurrentPushes"/> at once, and hands each outcome back to the
/// activation that is awaiting it. A receiver that hangs holds one sender for its request timeout and nothing else: its stream still answers
/// management calls, and every other stream keeps flowing.
/// </summary>
internal sealed class PushDispatcher(IPushTransport transport, TenantSnapshots tenants, IOptions<DeliveryOptions> options) : BackgroundService, IPushDispatcher
{
    private static readonly PushOutcome NotSent = new(PushOutcomeKind.Retryable, "not sent: the node is stopping");

    private readonly Channel<(PushRequest Request, TaskCompletionSource<PushOutcome> Outcome)> _queue =
        Channel.CreateUnbounded<(PushRequest, TaskCompletionSource<PushOutcome>)>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });

    public Task<PushOutcome> SendAsync(PushRequest request)
    {
        var outcome = new TaskCompletionSource<PushOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((request, outcome)))
        {
            outcome.TrySetResult(NotSent);
        }

        return outcome.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.MaxConcurrentPushes).Select(_ => SendLoopAsync(stoppingToken)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        while (_queue.Reader.TryRead(out var left))
        {
            left.Outcome.TrySetResult(NotSent);
        }
    }

    private async Task SendLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (request, outcome) in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                outcome.TrySetResult(await SendOneAsync(request, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is left is answered "not sent".
        }
    }

    private async Task<PushOutcome> SendOneAsync(PushRequest request, CancellationToken stoppingToken)
    {
        try
        {
            // Checked at the last moment, from the silo's snapshot, which a disabling tenant updates on every silo before
            // its PUT answers: after that answer, nothing of the tenant leaves.
            if (await tenants.GetAsync(request.Stream.TenantId) is not { Tenant.Disabled: false })
            {
                return PushOutcome.TenantDisabled;
            }

            return PushOutcome.Classify(await transport.SendAsync(request.EndpointUrl, request.AuthorizationHeader, request.Token, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return NotSent;
        }
        catch (Exception exception)
        {
            // The tenant's snapshot could not be fetched (its grain unreachable for now): try again later. A sender that
            // let this escape would stop for good.
            return new PushOutcome(PushOutcomeKind.Retryable, $"not sent: the tenant could not be checked ({exception.GetType().Name})");
        }
    }
}
