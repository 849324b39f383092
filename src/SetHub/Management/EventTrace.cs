using Microsoft.Extensions.Options;
using SetHub.Core.Delivery;
using SetHub.Core.Results;
using SetHub.Core.Storage;
using SetHub.Grains.Streams;
using SetHub.Json;

namespace SetHub.Management;

/// <summary>
/// "Where is my event?": a publish's SETs (by <c>txn</c>) or one SET (by <c>jti</c>), each with its stream, lane and
/// state. The stored state (queued, dead-lettered, delivered or acknowledged with the time) comes from the streams' logs,
/// which keep done SETs for <see cref="DeliveryOptions.TraceRetention"/>; what only the stream grain knows (out with the
/// receiver now, attempts so far, the next attempt) comes from the grain, for the SETs it holds.
/// </summary>
internal sealed class EventTrace(ISetLog log, StreamGrainReferences streams, IOptions<DeliveryOptions> delivery, TimeProvider time)
{
    public async Task<Result<EventTraceResponse>> ForTransactionAsync(string tenantId, string transaction, CancellationToken cancellationToken)
    {
        var sets = await TraceAsync(tenantId, transaction, jti: null, cancellationToken);
        return sets.Count > 0
            ? new EventTraceResponse(transaction, sets)
            : OperationError.NotFound($"No SET of tenant '{tenantId}' carries txn '{transaction}' (delivered SETs are kept {Describe(delivery.Value.TraceRetention)}).");
    }

    public async Task<Result<TracedSetResponse>> ForSetAsync(string tenantId, string jti, CancellationToken cancellationToken)
    {
        var sets = await TraceAsync(tenantId, transaction: null, jti, cancellationToken);
        return sets.Count > 0
            ? sets[0]
            : OperationError.NotFound($"Tenant '{tenantId}' has no SET '{jti}' (delivered SETs are kept {Describe(delivery.Value.TraceRetention)}).");
    }

    private async Task<List<TracedSetResponse>> TraceAsync(string tenantId, string? transaction, string? jti, CancellationToken cancellationToken)
    {
        // What the retention forgot is gone, whether or not its stream has purged it yet.
        var forgetBefore = time.GetUtcNow() - delivery.Value.TraceRetention;
        var found = (await log.FindAsync(tenantId, transaction, jti, cancellationToken))
            .Where(set => set.DoneAt is not { } doneAt || doneAt >= forgetBefore)
            .ToArray();
        var traced = new List<TracedSetResponse>(found.Length);
        foreach (var stream in found.GroupBy(set => set.StreamId, StringComparer.Ordinal))
        {
            var queued = stream.Where(set => set.State == LoggedSetState.Queued).Select(set => set.Position).ToArray();
            var answer = await streams.For(new StreamKey(tenantId, stream.Key)).GetProgress(queued);
            var lane = answer.IsSuccess ? answer.Value!.Lane : "unknown";
            var progress = answer.IsSuccess ? answer.Value!.Sets.ToDictionary(set => set.Position) : [];
            traced.AddRange(stream.Select(set => ToResponse(set, lane, progress.GetValueOrDefault(set.Position))));
        }

        return traced;
    }

    private static TracedSetResponse ToResponse(LoggedSet set, string lane, SetProgress? live) => new(
        set.Jti,
        set.StreamId,
        lane,
        set.State switch
        {
            LoggedSetState.Queued when live is { InFlight: true } => "in_flight",
            LoggedSetState.Queued => "queued",
            LoggedSetState.DeadLettered => "dead_lettered",
            LoggedSetState.Delivered => "delivered",
            _ => "acknowledged",
        },
        set.EventType,
        set.Transaction,
        set.CreatedAt,
        set.State == LoggedSetState.Delivered ? set.DoneAt : null,
        set.State == LoggedSetState.Acknowledged ? set.DoneAt : null,
        live?.Attempts ?? set.Attempts,
        live?.LastError ?? set.LastError,
        live?.NextAttemptAt,
        set.ReissuedFrom);

    private static string Describe(TimeSpan retention) => retention == TimeSpan.Zero ? "not at all" : $"for {retention}";
}
