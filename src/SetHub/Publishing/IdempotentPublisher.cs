using System.Text.Json;
using SetHub.Core.Events;
using SetHub.Core.Results;
using SetHub.Core.Security;
using SetHub.Core.Storage;

namespace SetHub.Publishing;

/// <summary>
/// A publish under an <c>Idempotency-Key</c> (<see cref="IdempotencyKeys"/>): the key is recorded with the body's hash
/// and the <c>txn</c> before anything is queued, in the store every node shares, so a retry on any node within the
/// retention period finds it: a completed publish answers again as it did, a different body is a 422, a publish still
/// running is a 409 with Retry-After, and one that stopped without an answer is taken over under the same <c>txn</c>
/// (whose SETs' <c>jti</c>s derive from it, so nothing is queued twice).
/// </summary>
internal sealed class IdempotentPublisher(Publisher publisher, IIdempotencyStore store, TimeProvider time)
{
    public async Task<Result<PublishResult>> PublishAsync(string tenantId, string key, JsonElement body, CancellationToken cancellationToken)
    {
        if (IdempotencyKeys.Validate(key) is { } invalidKey)
        {
            return invalidKey;
        }

        // A body refused as invalid is never recorded: its retry is refused the same way.
        var request = PublishRequest.Parse(body);
        if (!request.IsSuccess)
        {
            return request.Error;
        }

        var now = time.GetUtcNow();
        var offered = IdempotencyKeys.Offer(body.GetRawText(), request.Value.Transaction ?? Identifiers.New(time), now);
        var stored = await store.GetOrAddAsync(tenantId, key, offered, now - IdempotencyKeys.Retention, cancellationToken);
        switch (IdempotencyKeys.Decide(stored, offered, now))
        {
            case IdempotencyDecision.Mismatch:
                return OperationError.Unprocessable($"The {IdempotencyKeys.HeaderName} was used within the last {IdempotencyKeys.Retention.TotalHours:0} hours with a different body.");

            case IdempotencyDecision.Replay:
                return new PublishResult(stored.Transaction, stored.Streams!.Value, Replayed: true);

            case IdempotencyDecision.InProgress:
                return OperationError.Conflict($"A request with this {IdempotencyKeys.HeaderName} is still being published; retry it shortly.") with
                {
                    RetryAfter = IdempotencyKeys.InProgressWindow - (now - stored.CreatedAt),
                };
        }

        var published = await publisher.PublishAsync(tenantId, request.Value, stored.Transaction, cancellationToken);
        if (published.IsSuccess)
        {
            await store.CompleteAsync(tenantId, key, stored.Transaction, published.Value.Streams, CancellationToken.None);
        }
        else
        {
            // Refused (no such tenant, disabled, too long): nothing was queued, so a later request under the key starts afresh.
            await store.ReleaseAsync(tenantId, key, stored.Transaction, CancellationToken.None);
        }

        return published;
    }
}
