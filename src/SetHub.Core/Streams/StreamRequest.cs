using System.Text.Json;
using SetHub.Core.Json;
using SetHub.Core.Results;

namespace SetHub.Core.Streams;

/// <summary>Which Stream Management operation a configuration body belongs to (SSF 1.0 §8.1.1.1–§8.1.1.4).</summary>
public enum StreamOperation
{
    /// <summary>POST: create.</summary>
    Create,

    /// <summary>PATCH: update the properties present.</summary>
    Update,

    /// <summary>PUT: replace every receiver-supplied property.</summary>
    Replace,
}

/// <summary>The <c>delivery</c> object of a request.</summary>
/// <param name="Method">The delivery method URN.</param>
/// <param name="EndpointUrl">The <c>endpoint_url</c> member, if any.</param>
/// <param name="AuthorizationHeader">The <c>authorization_header</c> member, if any.</param>
public sealed record DeliveryRequest(string Method, string? EndpointUrl, string? AuthorizationHeader);

/// <summary>
/// A parsed stream configuration body: the receiver-supplied properties that are present, and the
/// transmitter-supplied ones the receiver echoed (which must match, R105).
/// </summary>
public sealed record StreamRequest(
    string? StreamId,
    Optional<IReadOnlyList<string>> EventsRequested,
    Optional<DeliveryRequest?> Delivery,
    Optional<string?> Description,
    IReadOnlyDictionary<string, JsonElement> TransmitterSupplied)
{
    /// <summary>The longest description kept; longer ones are truncated, as SSF 1.0 §8.1.1 allows (R97).</summary>
    public const int MaxDescriptionLength = 1024;

    /// <summary>The most entries <c>events_requested</c> may hold.</summary>
    public const int MaxEventsRequested = 256;

    /// <summary>The longest <c>authorization_header</c> accepted.</summary>
    public const int MaxAuthorizationHeaderLength = 4096;

    /// <summary>The longest URL accepted.</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>Transmitter-supplied properties of the stream configuration (SSF 1.0 §8.1.1), besides <c>stream_id</c>.</summary>
    public static IReadOnlySet<string> TransmitterSuppliedNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "iss", "aud", "events_supported", "events_delivered", "min_verification_interval", "inactivity_timeout",
    };

    /// <summary>
    /// Members of a stream's state that its configuration does not carry: each has its own endpoint (SSF 1.0 §8.1.2
    /// status, §8.1.3 subjects, §8.1.4 verification), so a configuration request naming one is a mistake, refused rather
    /// than silently ignored.
    /// </summary>
    public static IReadOnlySet<string> MisplacedNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "status", "reason", "subject", "subjects", "state",
    };

    /// <summary>Parses a create, update or replace body. Members SSF does not define are extensions (SSF 1.0 §8.1.1
    /// lets receivers send them) and are ignored; a member that belongs to another endpoint (<see cref="MisplacedNames"/>)
    /// is a 400 naming it.</summary>
    public static Result<StreamRequest> Parse(JsonElement body, StreamOperation operation)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return OperationError.Invalid("The request body must be a JSON object.");
        }

        string? streamId = null;
        var eventsRequested = Optional<IReadOnlyList<string>>.Absent;
        var delivery = Optional<DeliveryRequest?>.Absent;
        var description = Optional<string?>.Absent;
        var transmitterSupplied = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "stream_id":
                    if (operation == StreamOperation.Create)
                    {
                        return OperationError.Invalid("'stream_id' is assigned by the transmitter and cannot be sent on create.");
                    }

                    if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString()!.Length == 0)
                    {
                        return OperationError.Invalid("'stream_id' must be a non-empty string.");
                    }

                    streamId = property.Value.GetString();
                    break;

                case "events_requested":
                    var events = ParseEventsRequested(property.Value);
                    if (!events.IsSuccess)
                    {
                        return events.Error;
                    }

                    eventsRequested = Optional<IReadOnlyList<string>>.Of(events.Value);
                    break;

                case "delivery":
                    if (property.Value.ValueKind == JsonValueKind.Null && operation == StreamOperation.Update)
                    {
                        return OperationError.Invalid("'delivery' cannot be removed; send a delivery object.");
                    }

                    var parsedDelivery = property.Value.ValueKind == JsonValueKind.Null
                        ? Result<DeliveryRequest?>.Success(null)
                        : ParseDelivery(property.Value);
                    if (!parsedDelivery.IsSuccess)
                    {
                        return parsedDelivery.Error;
                    }

                    delivery = Optional<DeliveryRequest?>.Of(parsedDelivery.Value);
                    break;

                case "description":
                    if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    {
                        return OperationError.Invalid("'description' must be a string.");
                    }

                    var text = property.Value.GetString();
                    description = Optional<string?>.Of(text is { Length: > MaxDescriptionLength } ? text[..MaxDescriptionLength] : text);
                    break;

                default:
                    if (MisplacedNames.Contains(property.Name))
                    {
                        return OperationError.Invalid(
                            $"'{property.Name}' is not part of a stream's configuration: it has its own endpoint (SSF 1.0 §8.1.2–§8.1.4; see the discovery document).");
                    }

                    if (TransmitterSuppliedNames.Contains(property.Name))
                    {
                        // SSF 1.0 is silent on create (A7); the OIDF suite's own transmitter rejects them, and so do we.
                        if (operation == StreamOperation.Create)
                        {
                            return OperationError.Invalid($"'{property.Name}' is supplied by the transmitter and cannot be sent on create.");
                        }

                        transmitterSupplied[property.Name] = property.Value.Clone();
                    }

                    // Anything else is an extension SetHub does not understand: ignored.
                    break;
            }
        }

        if (operation != StreamOperation.Create && streamId is null)
        {
            return OperationError.Invalid("'stream_id' is required (SSF 1.0 §8.1.1.3).");
        }

        return new StreamRequest(streamId, eventsRequested, delivery, description, transmitterSupplied);
    }

    private static Result<IReadOnlyList<string>> ParseEventsRequested(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return OperationError.Invalid("'events_requested' must be an array of event type URIs.");
        }

        if (value.GetArrayLength() > MaxEventsRequested)
        {
            return OperationError.Invalid($"'events_requested' may hold at most {MaxEventsRequested} entries.");
        }

        var list = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString()!.Length is 0 or > MaxUrlLength)
            {
                return OperationError.Invalid("'events_requested' must hold only non-empty strings.");
            }

            var eventType = item.GetString()!;
            if (!list.Contains(eventType))
            {
                list.Add(eventType);
            }
        }

        return list;
    }

    private static Result<DeliveryRequest?> ParseDelivery(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return OperationError.Invalid("'delivery' must be a JSON object.");
        }

        if (!value.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String)
        {
            return OperationError.Invalid("'delivery.method' is required (SSF 1.0 §6.1).");
        }

        var methodName = method.GetString()!;
        if (methodName is not (SsfConstants.DeliveryMethods.Push or SsfConstants.DeliveryMethods.Poll))
        {
            return OperationError.Invalid(
                $"Unsupported delivery method '{methodName}'; use '{SsfConstants.DeliveryMethods.Push}' or '{SsfConstants.DeliveryMethods.Poll}'.");
        }

        string? endpointUrl = null;
        if (value.TryGetProperty("endpoint_url", out var endpoint) && endpoint.ValueKind != JsonValueKind.Null)
        {
            if (endpoint.ValueKind != JsonValueKind.String)
            {
                return OperationError.Invalid("'delivery.endpoint_url' must be a string.");
            }

            endpointUrl = endpoint.GetString();
        }

        string? authorizationHeader = null;
        if (value.TryGetProperty("authorization_header", out var header) && header.ValueKind != JsonValueKind.Null)
        {
            if (header.ValueKind != JsonValueKind.String)
            {
                return OperationError.Invalid("'delivery.authorization_header' must be a string.");
            }

            authorizationHeader = header.GetString();
        }

        return new DeliveryRequest(methodName, endpointUrl, authorizationHeader);
    }
}
