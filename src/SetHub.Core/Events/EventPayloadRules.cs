using System.Text.Json;
using System.Text.RegularExpressions;
using SetHub.Core.Results;
using SetHub.Core.Subjects;
using static SetHub.Core.SsfConstants;

namespace SetHub.Core.Events;

/// <summary>
/// Validates event payloads of the CAEP 1.0 and RISC 1.0 event types: required claims, their JSON types and their
/// enumerations (R127–R143). Unknown event types are opaque: any object is accepted. Claims a type does not define
/// are allowed, as SSF 1.0 §4.2.3 lets transmitters add fields.
/// </summary>
public static partial class EventPayloadRules
{
    private enum Kind
    {
        String,
        Number,
        NonEmptyObject,
        StringArray,
        LocalizedText,
    }

    private sealed record Claim(string Name, bool Required, Kind Kind, params string[] Allowed);

    private static readonly string[] RiskLevels = ["LOW", "MEDIUM", "HIGH"];
    private static readonly string[] ComplianceStatuses = ["compliant", "not-compliant"];

    // CAEP 1.0 §2: optional on every CAEP event.
    private static readonly Claim[] CaepCommon =
    [
        new("event_timestamp", false, Kind.Number),
        new("initiating_entity", false, Kind.String, "admin", "user", "policy", "system"),
        new("reason_admin", false, Kind.LocalizedText),
        new("reason_user", false, Kind.LocalizedText),
    ];

    private static readonly Dictionary<string, Claim[]> Rules = new(StringComparer.Ordinal)
    {
        [CaepEvents.SessionRevoked] = CaepCommon, // R128
        [CaepEvents.TokenClaimsChange] = [.. CaepCommon, new("claims", true, Kind.NonEmptyObject)], // R129
        [CaepEvents.CredentialChange] = // R130; credential_type may be a mutually agreed value
        [
            .. CaepCommon,
            new("credential_type", true, Kind.String),
            new("change_type", true, Kind.String, "create", "revoke", "update", "delete"),
            new("friendly_name", false, Kind.String),
            new("x509_issuer", false, Kind.String),
            new("x509_serial", false, Kind.String),
            new("fido2_aaguid", false, Kind.String),
        ],
        [CaepEvents.AssuranceLevelChange] = // R131; the namespace may be a custom alias
        [
            .. CaepCommon,
            new("namespace", true, Kind.String),
            new("current_level", true, Kind.String),
            new("previous_level", false, Kind.String),
            new("change_direction", false, Kind.String, "increase", "decrease"),
        ],
        [CaepEvents.DeviceComplianceChange] = // R132
        [
            .. CaepCommon,
            new("previous_status", true, Kind.String, ComplianceStatuses),
            new("current_status", true, Kind.String, ComplianceStatuses),
        ],
        [CaepEvents.SessionEstablished] = // R133
        [
            .. CaepCommon,
            new("fp_ua", false, Kind.String),
            new("acr", false, Kind.String),
            new("amr", false, Kind.StringArray),
            new("ext_id", false, Kind.String),
        ],
        [CaepEvents.SessionPresented] = [.. CaepCommon, new("fp_ua", false, Kind.String), new("ext_id", false, Kind.String)], // R134
        [CaepEvents.RiskLevelChange] = // R135
        [
            .. CaepCommon,
            new("principal", true, Kind.String),
            new("current_level", true, Kind.String, RiskLevels),
            new("previous_level", false, Kind.String, RiskLevels),
            new("risk_reason", false, Kind.String),
        ],
        [RiscEvents.AccountDisabled] = [new("reason", false, Kind.String, "hijacking", "bulk-account")], // R138
        [RiscEvents.IdentifierChanged] = [new("new-value", false, Kind.String)], // R139
        [RiscEvents.CredentialCompromise] = // R141
        [
            new("credential_type", true, Kind.String),
            new("event_timestamp", false, Kind.Number),
            new("reason_admin", false, Kind.LocalizedText),
            new("reason_user", false, Kind.LocalizedText),
        ],
    };

    /// <summary>Validates one event of type <paramref name="eventType"/> about <paramref name="subject"/>.</summary>
    public static OperationError? Validate(string eventType, JsonElement payload, SubjectIdentifier subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return OperationError.Invalid($"The payload of '{eventType}' must be a JSON object.");
        }

        // RISC 1.0 §2.5, §2.6 (R139, R140): these events are about an e-mail address or a phone number.
        if (eventType is RiscEvents.IdentifierChanged or RiscEvents.IdentifierRecycled &&
            subject.Format is not (SubjectFormats.Email or SubjectFormats.PhoneNumber))
        {
            return OperationError.Invalid($"'{eventType}' needs a subject of format 'email' or 'phone_number' (RISC 1.0 §2.5, §2.6).");
        }

        if (!Rules.TryGetValue(eventType, out var claims))
        {
            return null; // opaque: an event type SetHub does not know, or one without claims
        }

        foreach (var claim in claims)
        {
            if (!payload.TryGetProperty(claim.Name, out var value))
            {
                if (claim.Required)
                {
                    return OperationError.Invalid($"'{eventType}' requires the claim '{claim.Name}'.");
                }

                continue;
            }

            if (Check(claim, value) is { } problem)
            {
                return OperationError.Invalid($"Claim '{claim.Name}' of '{eventType}' {problem}.");
            }
        }

        return null;
    }

    private static string? Check(Claim claim, JsonElement value) => claim.Kind switch
    {
        Kind.String when value.ValueKind != JsonValueKind.String => "must be a string",
        Kind.String when claim.Allowed.Length > 0 && Array.IndexOf(claim.Allowed, value.GetString()) < 0 =>
            $"must be one of: {string.Join(", ", claim.Allowed)}",
        Kind.Number when value.ValueKind != JsonValueKind.Number => "must be a JSON number (seconds since the epoch)",
        Kind.NonEmptyObject when value.ValueKind != JsonValueKind.Object || !value.EnumerateObject().Any() =>
            "must be an object with at least one member",
        Kind.StringArray when value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String) =>
            "must be an array of strings",
        Kind.LocalizedText when !IsLocalizedText(value) =>
            "must be an object of one or more BCP 47 language tags mapped to strings (CAEP 1.0 §2)",
        _ => null,
    };

    private static bool IsLocalizedText(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var any = false;
        foreach (var entry in value.EnumerateObject())
        {
            if (!LanguageTag().IsMatch(entry.Name) || entry.Value.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    // RFC 5646 in its common shape: a 2–8 letter primary subtag, then subtags of 1–8 letters or digits.
    [GeneratedRegex("^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")]
    private static partial Regex LanguageTag();
}
