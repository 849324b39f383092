using Microsoft.Extensions.Options;
using SetHub.Core.Delivery;
using SetHub.Core.Results;
using SetHub.Core.Security;
using SetHub.Core.Storage;
using SetHub.Grains.Streams;
using SetHub.Snapshots;

namespace SetHub.Delivery;

/// <summary>
/// RFC 8936 polls in the front door. The stream grain applies acknowledgements and hands out SETs; a long poll
/// (<c>returnImmediately</c> false, §2.2) that finds nothing waits here, registered with this silo's waiters and, in
/// the same grain turn that found nothing, with the stream, which wakes it the moment a SET is durable. While it
/// waits it holds no thread and no grain turn. It looks again on its own when an unacknowledged SET falls due, and
/// every <see cref="PollOptions.RecheckInterval"/> as a safety net; a deleted stream ends it with 404, a revoked
/// receiver with 401.
/// </summary>
internal sealed class LongPolls(
    StreamGrainReferences streamGrains,
    TenantSnapshots snapshots,
    PollWaiters waiters,
    ILocalSiloDetails silo,
    IOptions<PollOptions> options,
    TimeProvider time,
    Random random)
{
    public async Task<Result<PollAnswer>> PollAsync(Caller caller, string streamId, PollRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.Value;
        var key = new StreamKey(caller.TenantId!, streamId);
        var grain = streamGrains.For(key);
        var maxEvents = Math.Min(request.MaxEvents ?? int.MaxValue, settings.MaxEventsPerResponse);
        var acks = request.Acks.ToArray();
        var errors = request.Errors.Select(error => new SetErrorData(error.Key, error.Value.Error, error.Value.Description)).ToArray();
        if (request.ReturnImmediately)
        {
            return Answer(await grain.Poll(new PollCall(caller.ReceiverId!, acks, errors, maxEvents, Waiter: null, default)), streamId);
        }

        var deadline = time.GetUtcNow() + settings.LongPollTimeout;
        using var waiter = waiters.Register(key.ToString());
        while (true)
        {
            var now = time.GetUtcNow();
            var last = now >= deadline;
            var answer = await grain.Poll(new PollCall(caller.ReceiverId!, acks, errors, maxEvents, last ? null : silo.SiloAddress, deadline));
            (acks, errors) = ([], []); // acknowledged once
            if (answer.Status != PollStatus.Ok || answer.Sets.Length > 0 || (maxEvents == 0 && answer.MoreAvailable) || last)
            {
                return Answer(answer, streamId);
            }

            var recheck = settings.RecheckInterval * (0.8 + (random.NextDouble() * 0.4));
            var until = Earliest(deadline, now + recheck, answer.NextDueAt);
            var wake = await waiter.WaitAsync(until - time.GetUtcNow(), time, cancellationToken);
            if (wake == PollWake.Deleted)
            {
                return OperationError.NotFound($"No poll stream '{streamId}' for this receiver.");
            }

            if (wake == PollWake.Recheck && (await snapshots.GetAsync(key.TenantId) is not { } view || !view.HasReceiver(caller.ReceiverId!)))
            {
                return new OperationError(ErrorKind.Unauthorized, Core.SsfConstants.DeliveryErrors.AuthenticationFailed, "The receiver's credential was revoked.");
            }
        }
    }

    private static Result<PollAnswer> Answer(PollAnswer answer, string streamId) =>
        answer.Status == PollStatus.Ok ? answer : OperationError.NotFound($"No poll stream '{streamId}' for this receiver.");

    private static DateTimeOffset Earliest(DateTimeOffset a, DateTimeOffset b, DateTimeOffset? c)
    {
        var earliest = a < b ? a : b;
        return c is { } due && due < earliest ? due : earliest;
    }
}
