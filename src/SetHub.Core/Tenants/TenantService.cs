using System.Text.Json;
using SetHub.Core.Json;
using SetHub.Core.Results;
using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Core.Storage;

namespace SetHub.Core.Tenants;

/// <summary>The outcome of <see cref="TenantService.PutAsync"/>.</summary>
/// <param name="Tenant">The tenant as stored.</param>
/// <param name="Created">Whether this call created it.</param>
/// <param name="Token">The new tenant token, only when created; it is never shown again.</param>
public sealed record TenantPutResult(Tenant Tenant, bool Created, string? Token);

/// <summary>Creates, updates and reads tenants.</summary>
public sealed class TenantService(ITenantStore store, SigningKeyService keys, TimeProvider timeProvider)
{
    /// <summary>The longest display name accepted.</summary>
    public const int MaxDisplayNameLength = 200;

    /// <summary>
    /// Creates the tenant (with a tenant token and an ES256 key) or updates it. On update, members absent from the
    /// body keep their values; on creation they take their defaults (<c>default_subjects</c> NONE).
    /// </summary>
    public async Task<Result<TenantPutResult>> PutAsync(string tenantId, JsonElement? body, CancellationToken cancellationToken = default)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            return OperationError.Invalid("The tenant id must match ^[a-z0-9][a-z0-9-]{0,62}$.");
        }

        var changes = ParseChanges(body);
        if (!changes.IsSuccess)
        {
            return changes.Error;
        }

        var now = timeProvider.GetUtcNow();
        var existing = await store.GetTenantAsync(tenantId, cancellationToken);
        if (existing is null)
        {
            var created = changes.Value.ApplyTo(new Tenant(tenantId, null, SsfConstants.DefaultSubjects.None, null, null, null, now, now));
            var token = BearerTokens.Generate(TokenKind.Tenant, tenantId);
            if (await store.CreateTenantAsync(created, BearerTokens.Hash(token), [keys.CreateInitialKey(tenantId)], cancellationToken))
            {
                return new TenantPutResult(created, Created: true, token);
            }

            // Another request created it first: this one becomes an update.
            existing = await store.GetTenantAsync(tenantId, cancellationToken)
                ?? throw new InvalidOperationException($"Tenant '{tenantId}' reported as existing but not found.");
        }

        var updated = changes.Value.ApplyTo(existing) with { UpdatedAt = now };
        await store.UpdateTenantAsync(updated, cancellationToken);
        return new TenantPutResult(updated, Created: false, Token: null);
    }

    /// <summary>Reads a tenant.</summary>
    public async Task<Result<Tenant>> GetAsync(string tenantId, CancellationToken cancellationToken = default) =>
        await store.GetTenantAsync(tenantId, cancellationToken) is { } tenant
            ? tenant
            : OperationError.NotFound($"No tenant '{tenantId}'.");

    /// <summary>Lists all tenants.</summary>
    public Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken = default) =>
        store.ListTenantsAsync(cancellationToken);

    private static Result<TenantChanges> ParseChanges(JsonElement? body)
    {
        if (body is not { } json || json.ValueKind == JsonValueKind.Undefined)
        {
            return new TenantChanges(default, default, default, default, default);
        }

        if (JsonBody.RequireObjectWithOnly(json, "display_name", "default_subjects", "events_supported", "inactivity_timeout", "min_verification_interval") is { } shapeError)
        {
            return shapeError;
        }

        var displayName = Optional<string?>.Absent;
        if (json.TryGetProperty("display_name", out _))
        {
            var value = JsonBody.OptionalString(json, "display_name", MaxDisplayNameLength);
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

        return new TenantChanges(displayName, defaultSubjects, eventsSupported, inactivityTimeout.Value, minVerificationInterval.Value);
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

    private readonly record struct TenantChanges(
        Optional<string?> DisplayName,
        Optional<string> DefaultSubjects,
        Optional<IReadOnlyList<string>?> EventsSupported,
        Optional<TimeSpan?> InactivityTimeout,
        Optional<TimeSpan?> MinVerificationInterval)
    {
        public Tenant ApplyTo(Tenant tenant) => tenant with
        {
            DisplayName = DisplayName.IsPresent ? DisplayName.Value : tenant.DisplayName,
            DefaultSubjects = DefaultSubjects.IsPresent ? DefaultSubjects.Value : tenant.DefaultSubjects,
            EventsSupported = EventsSupported.IsPresent ? EventsSupported.Value : tenant.EventsSupported,
            InactivityTimeout = InactivityTimeout.IsPresent ? InactivityTimeout.Value : tenant.InactivityTimeout,
            MinVerificationInterval = MinVerificationInterval.IsPresent ? MinVerificationInterval.Value : tenant.MinVerificationInterval,
        };
    }
}
