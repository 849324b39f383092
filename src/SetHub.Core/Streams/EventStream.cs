namespace SetHub.Core.Streams;

/// <summary>
/// An event stream: the unit of consistency. Its configuration, status and subject mode change together in one
/// short transaction, guarded by <see cref="Version"/>.
/// </summary>
/// <param name="TenantId">The tenant (transmitter) it belongs to.</param>
/// <param name="StreamId">Its id (SSF 1.0 §8.1.1 <c>stream_id</c>), made of RFC 3986 unreserved characters.</param>
/// <param name="ReceiverId">The receiver that owns it.</param>
/// <param name="Audience">Its <c>aud</c>; never changes (SSF 1.0 §8.1.1).</param>
/// <param name="EventsRequested">What the receiver asked for, or <see langword="null"/> when it did not say.</param>
/// <param name="EventsDelivered">What SetHub delivers: requested ∩ supported (R93).</param>
/// <param name="Delivery">How SETs reach the receiver.</param>
/// <param name="Description">The receiver's description, or <see langword="null"/>.</param>
/// <param name="Status">enabled, paused or disabled.</param>
/// <param name="StatusReason">Why the status is what it is, or <see langword="null"/>.</param>
/// <param name="SigningAlgorithm">The JWS algorithm its SETs are signed with (its receiver's choice).</param>
/// <param name="DefaultSubjects">The tenant's <c>default_subjects</c> when the stream was created: with <c>ALL</c> the
/// stream's subject rows are exclusions, with <c>NONE</c> they are inclusions.</param>
/// <param name="InactivityTimeout">SSF 1.0 §8.1.1 <c>inactivity_timeout</c>: with no receiver activity for this
/// long, SetHub pauses the stream. <see langword="null"/> when not enforced.</param>
/// <param name="MinVerificationInterval">SSF 1.0 §8.1.1 <c>min_verification_interval</c>: receiver-requested
/// verifications closer together are refused with 429. <see langword="null"/> when not limited.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When its configuration or status last changed.</param>
/// <param name="Version">Optimistic concurrency token, incremented by every change.</param>
public sealed record EventStream(
    string TenantId,
    string StreamId,
    string ReceiverId,
    string Audience,
    IReadOnlyList<string>? EventsRequested,
    IReadOnlyList<string> EventsDelivered,
    DeliverySettings Delivery,
    string? Description,
    StreamStatus Status,
    string? StatusReason,
    string SigningAlgorithm,
    string DefaultSubjects,
    TimeSpan? InactivityTimeout,
    TimeSpan? MinVerificationInterval,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    /// <summary>Whether every subject is in the stream unless removed (<c>default_subjects</c> ALL).</summary>
    public bool IncludesAllSubjects => DefaultSubjects == SsfConstants.DefaultSubjects.All;
}
