using SetHub.Core.Streams;

namespace SetHub.Grains.Streams;

/// <summary>
/// One event stream (key <c>{tenant}/{stream}</c>): its configuration, status, verification and inactivity state,
/// and where delivery stands. The only writer of that state, the only appender to its SET log and its only consumer.
/// Management calls run one at a time; appends, polls and push outcomes interleave with them and with each other, so
/// a receiver that hangs never delays a PATCH, a status change or a DELETE.
/// </summary>
[Alias("SetHub.IStreamGrain")]
public interface IStreamGrain : IGrainWithStringKey
{
    /// <summary>Creates the stream (the tenant made and checked the configuration) and queues its first
    /// verification SET (SSF 1.0 §8.1.4), durably, before it answers.</summary>
    [Alias("Create")]
    Task<Outcome<StreamData>> Create(StreamData stream);

    /// <summary>Reads the configuration. With a receiver id, only that receiver's stream answers, and the call counts
    /// as receiver activity (SSF 1.0 §8.1.1 <c>inactivity_timeout</c>); without one (the operator), any stream does.</summary>
    [Alias("Get")]
    Task<Outcome<StreamData>> Get(string? receiverId);

    /// <summary>Applies an update (PATCH) or replacement (PUT) body (SSF 1.0 §8.1.1.3–4) to the current configuration.
    /// <paramref name="body"/> is the request's JSON text, already validated by the front door; it is parsed again
    /// here so the change is computed from the state as it is in this turn.</summary>
    [Alias("Configure")]
    Task<Outcome<StreamData>> Configure(string receiverId, string body, StreamOperation operation, TenantContext tenant);

    /// <summary>Sets the status (SSF 1.0 §8.1.2.2). When <paramref name="announce"/> (a change the transmitter makes),
    /// a stream-updated SET (§8.1.5) is queued before the change takes effect.</summary>
    [Alias("SetStatus")]
    Task<Outcome<StreamData>> SetStatus(string? receiverId, StreamStatus status, string? reason, bool announce);

    /// <summary>Recomputes <c>events_delivered</c> after the tenant's <c>events_supported</c> changed (R93).</summary>
    [Alias("RecomputeEventsDelivered")]
    Task<Outcome<StreamData>> RecomputeEventsDelivered(string[] eventsSupported);

    /// <summary>Deletes the stream with its subjects and SETs (SSF 1.0 §8.1.1.5); waiting long polls end at once.</summary>
    [Alias("Delete")]
    Task<Outcome<StreamData>> Delete(string? receiverId);

    /// <summary>Adds or removes a subject (SSF 1.0 §8.1.3.2–3). <paramref name="subjectJson"/> is a validated subject.</summary>
    [Alias("ChangeSubject")]
    Task<Failure?> ChangeSubject(string receiverId, string subjectJson, bool add, bool verified);

    /// <summary>Queues a verification SET the receiver asked for (SSF 1.0 §8.1.4.2), within its
    /// <c>min_verification_interval</c>.</summary>
    [Alias("RequestVerification")]
    Task<Failure?> RequestVerification(string receiverId, string? state);

    /// <summary>Appends a published SET; answers once it is durable.</summary>
    [AlwaysInterleave, Alias("Append")]
    Task<AppendResult> Append(SetToAppend set);

    /// <summary>One poll: acknowledgements and errors first, then the oldest due SETs (RFC 8936 §2.4).</summary>
    [AlwaysInterleave, Alias("Poll")]
    Task<PollAnswer> Poll(PollCall call);

    /// <summary>Activates the stream and lets it resume whatever is due (after the silo it lived on died, or its tenant
    /// was enabled again).</summary>
    [AlwaysInterleave, Alias("Wake")]
    Task Wake();

    /// <summary>The configuration with the queue's depth, for the operator.</summary>
    [Alias("GetOverview")]
    Task<Outcome<StreamOverview>> GetOverview();

    /// <summary>The live state of queued SETs, for the event trace.</summary>
    [Alias("GetProgress")]
    Task<Outcome<SetProgressAnswer>> GetProgress(long[] positions);

    /// <summary>The dead letters, oldest first.</summary>
    [Alias("ListDeadLetters")]
    Task<Outcome<DeadLetterData[]>> ListDeadLetters(int limit);

    /// <summary>Queues dead letters again (all, or those named), with a fresh MaxDeliveryAge clock.</summary>
    [Alias("Redrive")]
    Task<Outcome<RedriveData>> Redrive(string[]? jtis);
}
