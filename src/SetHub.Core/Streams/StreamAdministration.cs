using System.Text.Json;
using SetHub.Core.Delivery;
using SetHub.Core.Json;
using SetHub.Core.Results;
using SetHub.Core.Storage;

namespace SetHub.Core.Streams;

/// <summary>A stream as the operator sees it: its configuration and its queue.</summary>
/// <param name="Stream">The stream.</param>
/// <param name="Queue">Its queue depth.</param>
public sealed record StreamOverview(EventStream Stream, QueueCounts Queue);

/// <summary>The operator's view of a tenant's streams: inspection, status changes, dead letters and re-drive.</summary>
public sealed class StreamAdministration(IStreamStore streams, ISetStore sets, StreamLifecycle lifecycle, IDeliverySignals signals, TimeProvider timeProvider)
{
    /// <summary>The most dead letters one listing returns.</summary>
    public const int MaxDeadLetters = 1000;

    /// <summary>Lists every stream of a tenant.</summary>
    public Task<IReadOnlyList<EventStream>> ListAsync(string tenantId, CancellationToken cancellationToken = default) =>
        streams.ListTenantStreamsAsync(tenantId, cancellationToken);

    /// <summary>Reads one stream with its queue depth.</summary>
    public async Task<Result<StreamOverview>> GetAsync(string tenantId, string streamId, CancellationToken cancellationToken = default)
    {
        var stream = await streams.GetStreamAsync(tenantId, streamId, cancellationToken);
        return stream is null
            ? NoSuchStream(tenantId, streamId)
            : new StreamOverview(stream, await sets.CountAsync(tenantId, streamId, cancellationToken));
    }

    /// <summary>Changes a stream's status as the transmitter, announcing it with a stream-updated SET (SSF 1.0 §8.1.5):
    /// <c>{"status", "reason"?}</c>.</summary>
    public async Task<Result<EventStream>> ChangeStatusAsync(string tenantId, string streamId, JsonElement body, CancellationToken cancellationToken = default)
    {
        if (JsonBody.RequireObjectWithOnly(body, "status", "reason") is { } shapeError)
        {
            return shapeError;
        }

        if (!body.TryGetProperty("status", out var value) || value.ValueKind != JsonValueKind.String ||
            !StreamStatusNames.TryParse(value.GetString(), out var status))
        {
            return OperationError.Invalid("'status' is required and must be \"enabled\", \"paused\" or \"disabled\".");
        }

        var reason = JsonBody.OptionalString(body, "reason", StreamService.MaxReasonLength);
        return reason.IsSuccess
            ? await lifecycle.ChangeStatusAsync(tenantId, streamId, status, reason.Value, cancellationToken)
            : reason.Error;
    }

    /// <summary>Lists a stream's dead letters, oldest first.</summary>
    public async Task<Result<IReadOnlyList<DeadLetter>>> ListDeadLettersAsync(string tenantId, string streamId, int? limit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > MaxDeadLetters)
        {
            return OperationError.Invalid($"'limit' must be between 1 and {MaxDeadLetters}.");
        }

        if (await streams.GetStreamAsync(tenantId, streamId, cancellationToken) is null)
        {
            return NoSuchStream(tenantId, streamId);
        }

        return Result<IReadOnlyList<DeadLetter>>.Success(await sets.ListDeadLettersAsync(tenantId, streamId, limit ?? 100, cancellationToken));
    }

    /// <summary>
    /// Re-queues dead letters: <c>{}</c> for all of the stream's, or <c>{"jtis": [...]}</c>. They restart their
    /// MaxDeliveryAge clock. A disabled stream takes none (it holds nothing).
    /// </summary>
    public async Task<Result<int>> RedriveAsync(string tenantId, string streamId, JsonElement body, CancellationToken cancellationToken = default)
    {
        if (JsonBody.RequireObjectWithOnly(body, "jtis") is { } shapeError)
        {
            return shapeError;
        }

        IReadOnlyList<string>? jtis = null;
        if (body.TryGetProperty("jtis", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > MaxDeadLetters ||
                list.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
            {
                return OperationError.Invalid($"'jtis' must be an array of 1 to {MaxDeadLetters} jti strings.");
            }

            jtis = list.EnumerateArray().Select(item => item.GetString()!).ToArray();
        }

        var stream = await streams.GetStreamAsync(tenantId, streamId, cancellationToken);
        if (stream is null)
        {
            return NoSuchStream(tenantId, streamId);
        }

        if (stream.Status == StreamStatus.Disabled)
        {
            return OperationError.Conflict("The stream is disabled and holds no events; enable it before re-driving.");
        }

        var count = await sets.RedriveAsync(tenantId, streamId, jtis, timeProvider.GetUtcNow(), cancellationToken);
        signals.Announce(stream);
        return count;
    }

    private static OperationError NoSuchStream(string tenantId, string streamId) =>
        OperationError.NotFound($"No stream '{streamId}' in tenant '{tenantId}'.");
}
