using SetHub.Core.Streams;

namespace SetHub.Grains.Streams;

/// <summary>
/// A stream's configuration as it crosses grain calls and is persisted: the serializable form of
/// <see cref="EventStream"/>. In persisted state <see cref="AuthorizationHeader"/> is always <see langword="null"/>
/// (the secret is kept encrypted beside it); in answers to callers it is redacted.
/// </summary>
[GenerateSerializer, Immutable, Alias("SetHub.StreamData")]
public sealed record StreamData(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string StreamId,
    [property: Id(2)] string ReceiverId,
    [property: Id(3)] string Audience,
    [property: Id(4)] string[]? EventsRequested,
    [property: Id(5)] string[] EventsDelivered,
    [property: Id(6)] string DeliveryMethod,
    [property: Id(7)] string EndpointUrl,
    [property: Id(8)] string? AuthorizationHeader,
    [property: Id(9)] string? Description,
    [property: Id(10)] StreamStatus Status,
    [property: Id(11)] string? StatusReason,
    [property: Id(12)] string SigningAlgorithm,
    [property: Id(13)] string DefaultSubjects,
    [property: Id(14)] TimeSpan? InactivityTimeout,
    [property: Id(15)] TimeSpan? MinVerificationInterval,
    [property: Id(16)] DateTimeOffset CreatedAt,
    [property: Id(17)] DateTimeOffset UpdatedAt,
    [property: Id(18)] long Version)
{
    /// <summary>Whether every subject is in the stream unless removed (<c>default_subjects</c> ALL).</summary>
    public bool IncludesAllSubjects => DefaultSubjects == Core.SsfConstants.DefaultSubjects.All;

    /// <summary>From Core's model.</summary>
    public static StreamData From(EventStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new StreamData(
            stream.TenantId,
            stream.StreamId,
            stream.ReceiverId,
            stream.Audience,
            stream.EventsRequested?.ToArray(),
            [.. stream.EventsDelivered],
            stream.Delivery.Method,
            stream.Delivery.EndpointUrl,
            stream.Delivery.AuthorizationHeader,
            stream.Description,
            stream.Status,
            stream.StatusReason,
            stream.SigningAlgorithm,
            stream.DefaultSubjects,
            stream.InactivityTimeout,
            stream.MinVerificationInterval,
            stream.CreatedAt,
            stream.UpdatedAt,
            stream.Version);
    }

    /// <summary>To Core's model.</summary>
    public EventStream ToEventStream() => new(
        TenantId,
        StreamId,
        ReceiverId,
        Audience,
        EventsRequested,
        EventsDelivered,
        new DeliverySettings(DeliveryMethod, EndpointUrl, AuthorizationHeader),
        Description,
        Status,
        StatusReason,
        SigningAlgorithm,
        DefaultSubjects,
        InactivityTimeout,
        MinVerificationInterval,
        CreatedAt,
        UpdatedAt,
        Version);

    /// <summary>The same configuration with the push secret shown only as its scheme (<c>Bearer ****</c>).</summary>
    public StreamData Redacted() =>
        AuthorizationHeader is null ? this : this with { AuthorizationHeader = AuthorizationHeaderRedaction.Redact(AuthorizationHeader) };
}

/// <summary>What the tenant passes a stream along with a change: the tenant's facts the stream rules need
/// (<see cref="StreamContext"/> without its URL functions, which the stream grain has itself).</summary>
/// <param name="EventsSupported">The tenant's <c>events_supported</c>.</param>
/// <param name="InactivityTimeout">The <c>inactivity_timeout</c> new streams get.</param>
/// <param name="MinVerificationInterval">The <c>min_verification_interval</c> new streams get.</param>
[GenerateSerializer, Immutable, Alias("SetHub.TenantContext")]
public sealed record TenantContext(
    [property: Id(0)] string[] EventsSupported,
    [property: Id(1)] TimeSpan? InactivityTimeout,
    [property: Id(2)] TimeSpan? MinVerificationInterval);
