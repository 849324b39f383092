using static SetHub.Core.SsfConstants;

namespace SetHub.Core.Events;

/// <summary>The event type vocabularies SetHub knows.</summary>
public static class EventTypeCatalog
{
    /// <summary>CAEP 1.0 §3 event types.</summary>
    public static IReadOnlyList<string> Caep { get; } =
    [
        CaepEvents.SessionRevoked,
        CaepEvents.TokenClaimsChange,
        CaepEvents.CredentialChange,
        CaepEvents.AssuranceLevelChange,
        CaepEvents.DeviceComplianceChange,
        CaepEvents.SessionEstablished,
        CaepEvents.SessionPresented,
        CaepEvents.RiskLevelChange,
    ];

    /// <summary>RISC 1.0 §2 event types, without the deprecated <c>sessions-revoked</c> (R142).</summary>
    public static IReadOnlyList<string> Risc { get; } =
    [
        RiscEvents.AccountCredentialChangeRequired,
        RiscEvents.AccountPurged,
        RiscEvents.AccountDisabled,
        RiscEvents.AccountEnabled,
        RiscEvents.IdentifierChanged,
        RiscEvents.IdentifierRecycled,
        RiscEvents.CredentialCompromise,
        RiscEvents.OptIn,
        RiscEvents.OptOutInitiated,
        RiscEvents.OptOutCancelled,
        RiscEvents.OptOutEffective,
        RiscEvents.RecoveryActivated,
        RiscEvents.RecoveryInformationChanged,
    ];

    /// <summary>What a tenant supports unless it configures its own list: all of CAEP 1.0 and RISC 1.0.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } = [.. Caep, .. Risc];

    /// <summary>Whether <paramref name="value"/> looks like an event type URI: a scheme, a colon, no white space.</summary>
    public static bool IsEventTypeUri(string value) =>
        value.Length is > 0 and <= Streams.StreamRequest.MaxUrlLength &&
        char.IsAsciiLetter(value[0]) &&
        value.IndexOf(':', StringComparison.Ordinal) > 0 &&
        !value.Any(char.IsWhiteSpace);

    /// <summary>
    /// SSF control events. They are always delivered, whatever the stream's event lists say (SSF 1.0 §8.1.4,
    /// §8.1.5), so they are not offered in <c>events_supported</c>.
    /// </summary>
    public static bool IsControlEvent(string eventType) =>
        eventType is SsfEvents.Verification or SsfEvents.StreamUpdated;
}
