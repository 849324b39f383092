using System.Text.Json;
using SetHub.Core.Json;
using SetHub.Core.Results;

namespace SetHub.Core.Tenants;

/// <summary>
/// The changes a <c>PUT /admin/tenants/{id}</c> body asks for. On update, members absent from the body keep their
/// values; on creation they take their defaults (<c>default_subjects</c> NONE).
/// </summary>
/// <param name="DisplayName">A new display name.</param>
/// <param name="DefaultSubjects">A new <c>default_subjects</c>.</param>
/// <param name="EventsSupported">A new <c>events_supported</c> (<see langword="null"/>: the built-in vocabularies).</param>
/// <param name="InactivityTimeout">A new default <c>inactivity_timeout</c> for new streams.</param>
/// <param name="MinVerificationInterval">A new default <c>min_verification_interval</c> for new streams.</param>
/// <param name="Disabled">Whether the tenant is to be disabled (operator only).</param>
public readonly record struct TenantChanges(
    Optional<string?> DisplayName,
    Optional<string> DefaultSubjects,
    Optional<IReadOnlyList<string>?> EventsSupported,
    Optional<TimeSpan?> InactivityTimeout,
    Optional<TimeSpan?> MinVerificationInterval,
    Optional<bool> Disabled)
{
    /// <summary>The member only the operator may send: a tenant cannot lift its own suspension.</summary>
    public const string DisabledMember = "disabled";

    /// <summary>The longest display name accepted.</summary>
    public const int MaxDisplayNameLength = 200;

    /// <summary>The tenant with these changes applied.</summary>
    public Tenant ApplyTo(Tenant tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return tenant with
        {
            DisplayName = DisplayName.IsPresent ? DisplayName.Value : tenant.DisplayName,
            DefaultSubjects = DefaultSubjects.IsPresent ? DefaultSubjects.Value : tenant.DefaultSubjects,
            EventsSupported = EventsSupported.IsPresent ? EventsSupported.Value : tenant.EventsSupported,
            InactivityTimeout = InactivityTimeout.IsPresent ? InactivityTimeout.Value : tenant.InactivityTimeout,
            MinVerificationInterval = MinVerificationInterval.IsPresent ? MinVerificationInterval.Value : tenant.MinVerificationInterval,
            Disabled = Disabled.IsPresent ? Disabled.Value : tenant.Disabled,
        };
    }

    /// <summary>Parses a <c>PUT /admin/tenants/{id}</c> body; an absent body changes nothing.</summary>
    public static Result<TenantChanges> Parse(JsonElement? body)
    {
        if (body is not { } json || json.ValueKind == JsonValueKind.Undefined)
        {
            return new TenantChanges(default, default, default, default, default, default);
        }

        if (JsonBody.RequireObjectWithOnly(json, "display_name", "default_subjects", "events_supported", "inactivity_timeout", "min_verification_interval", DisabledMember) is { } shapeError)
        {
            return shapeError;
        }

        var displayName = Optional<string?>.Absent;
        if (json.TryGetProperty("display_name", out _))
        {
            var value = JsonBody.OptionalName(json, "display_name", MaxDisplayNameLength);
            if (!value.IsSuccess)
            {
                return value.Error;
            }

            displayName = Optional<string?>.Of(value.Value);
        }

        var defaultSubjects = Optional<string>.Absent;
        if (json.TryGetProperty("default_subjects", out var subjects))
        {
            if (subjects.ValueKind != JsonValueKind.String ||
                subjects.GetString() is not (SsfConstants.DefaultSubjects.All or SsfConstants.DefaultSubjects.None))
            {
                return OperationError.Invalid("'default_subjects' must be \"ALL\" or \"NONE\" (SSF 1.0 §7.1).");
            }

            defaultSubjects = Optional<string>.Of(subjects.GetString()!);
        }

        var eventsSupported = Optional<IReadOnlyList<string>?>.Absent;
        if (json.TryGetProperty("events_supported", out var events))
        {
            var parsed = ParseEventsSupported(events);
            if (!parsed.IsSuccess)
            {
                return parsed.Error;
            }

            eventsSupported = Optional<IReadOnlyList<string>?>.Of(parsed.Value);
        }

        var inactivityTimeout = ReadSeconds(json, "inactivity_timeout");
        if (!inactivityTimeout.IsSuccess)
        {
            return inactivityTimeout.Error;
        }

        var minVerificationInterval = ReadSeconds(json, "min_verification_interval");
        if (!minVerificationInterval.IsSuccess)
        {
            return minVerificationInterval.Error;
        }

        var disabled = Optional<bool>.Absent;
        if (json.TryGetProperty(DisabledMember, out var disabledValue))
        {
            if (disabledValue.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return OperationError.Invalid($"'{DisabledMember}' must be true or false.");
            }

            disabled = Optional<bool>.Of(disabledValue.GetBoolean());
        }

        return new TenantChanges(displayName, defaultSubjects, eventsSupported, inactivityTimeout.Value, minVerificationInterval.Value, disabled);
    }

    // A stream setting in whole seconds: a non-negative integer (0 turns it off), or null for the hub default.
    private static Result<Optional<TimeSpan?>> ReadSeconds(JsonElement json, string name)
    {
        if (!json.TryGetProperty(name, out var value))
        {
            return Optional<TimeSpan?>.Absent;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return Optional<TimeSpan?>.Of(null);
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var seconds) && seconds >= 0
            ? Optional<TimeSpan?>.Of(TimeSpan.FromSeconds(seconds))
            : OperationError.Invalid($"'{name}' must be a whole number of seconds (0 turns it off), or null for the hub default.");
    }

    private static Result<IReadOnlyList<string>?> ParseEventsSupported(JsonElement events)
    {
        if (events.ValueKind == JsonValueKind.Null)
        {
            return Result<IReadOnlyList<string>?>.Success(null); // back to the built-in vocabularies
        }

        if (events.ValueKind != JsonValueKind.Array || events.GetArrayLength() is 0 or > Streams.StreamRequest.MaxEventsRequested)
        {
            return OperationError.Invalid($"'events_supported' must be a non-empty array of at most {Streams.StreamRequest.MaxEventsRequested} event type URIs, or null for the built-in CAEP and RISC types.");
        }

        var list = new List<string>();
        foreach (var item in events.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !Events.EventTypeCatalog.IsEventTypeUri(item.GetString()!))
            {
                return OperationError.Invalid("'events_supported' must hold absolute URIs.");
            }

            if (Events.EventTypeCatalog.IsControlEvent(item.GetString()!))
            {
                return OperationError.Invalid("SSF verification and stream-updated events are always delivered; do not list them in 'events_supported'.");
            }

            if (!list.Contains(item.GetString()!))
            {
                list.Add(item.GetString()!);
            }
        }

        return list;
    }
}
