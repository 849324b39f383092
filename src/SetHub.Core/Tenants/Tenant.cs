namespace SetHub.Core.Tenants;

/// <summary>A tenant: one SSF transmitter identity with its own issuer and signing keys.</summary>
/// <param name="TenantId">The tenant id, <c>^[a-z0-9][a-z0-9-]{0,62}$</c>; also the last segment of its issuer.</param>
/// <param name="DisplayName">A human-friendly name, or <see langword="null"/>.</param>
/// <param name="DefaultSubjects"><c>ALL</c> or <c>NONE</c> (SSF 1.0 §7.1): the subject mode new streams start in.</param>
/// <param name="EventsSupported">Event types the tenant offers its receivers, or <see langword="null"/> for the
/// built-in CAEP 1.0 and RISC 1.0 vocabularies.</param>
/// <param name="InactivityTimeout">The <c>inactivity_timeout</c> its new streams get, or <see langword="null"/> for
/// the hub default.</param>
/// <param name="MinVerificationInterval">The <c>min_verification_interval</c> its new streams get, or
/// <see langword="null"/> for the hub default.</param>
/// <param name="CreatedAt">When the tenant was created.</param>
/// <param name="UpdatedAt">When the tenant was last changed.</param>
/// <param name="Disabled">Whether the operator disabled it: its SSF endpoints and publish API answer 403 and nothing is
/// delivered, while its streams, SETs and keys stay as they are.</param>
public sealed record Tenant(
    string TenantId,
    string? DisplayName,
    string DefaultSubjects,
    IReadOnlyList<string>? EventsSupported,
    TimeSpan? InactivityTimeout,
    TimeSpan? MinVerificationInterval,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Disabled = false)
{
    /// <summary>The event types this tenant's streams may deliver: its own list, or the built-in vocabularies.</summary>
    public IReadOnlyList<string> EffectiveEventsSupported => EventsSupported ?? Events.EventTypeCatalog.BuiltIn;
}
