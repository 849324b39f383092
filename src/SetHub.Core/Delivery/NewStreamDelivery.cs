namespace SetHub.Core.Delivery;

/// <summary>
/// Push in a stream's first moments. A receiver commonly learns its stream (its <c>aud</c>, its id) from the 201 of the
/// create, and a first push made right after the commit can reach it before that answer does: it then refuses the SET
/// (400 <c>invalid_audience</c>, <c>invalid_request</c>), which would be dead-lettered at once. So the first push waits a
/// moment after creation, and for a minute a refusal is retried a few times before it counts.
/// </summary>
public static class NewStreamDelivery
{
    /// <summary>How long after creation the first push waits: the create's answer goes out first.</summary>
    public static readonly TimeSpan FirstPushDelay = TimeSpan.FromSeconds(1);

    /// <summary>For this long after creation, a refusal is retried rather than dead-lettered.</summary>
    public static readonly TimeSpan RefusalGrace = TimeSpan.FromMinutes(1);

    /// <summary>At most this many attempts of one SET are made before a refusal inside the grace counts.</summary>
    public const int MaxAttemptsBeforeRefusalCounts = 3;

    /// <summary>The outcome to act on: a refusal of a new stream's SET becomes a retry while the grace lasts.</summary>
    public static PushOutcome Adjust(PushOutcome outcome, DateTimeOffset createdAt, DateTimeOffset now, int attempts) =>
        outcome.Kind == PushOutcomeKind.Rejected && now - createdAt < RefusalGrace && attempts < MaxAttemptsBeforeRefusalCounts
            ? outcome with { Kind = PushOutcomeKind.Retryable }
            : outcome;
}
