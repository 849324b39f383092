using System.Text.Json;
using SetHub.Core.Results;
using SetHub.Core.Tenants;

namespace SetHub.Core.Streams;

/// <summary>What the rules need to know about the transmitter a stream belongs to.</summary>
/// <param name="Issuer">The tenant's issuer (<c>iss</c>).</param>
/// <param name="EventsSupported">The tenant's <c>events_supported</c>.</param>
/// <param name="PollEndpointUrl">The poll URL SetHub assigns to a stream id (SSF 1.0 §6.1.2).</param>
/// <param name="InactivityTimeout">The <c>inactivity_timeout</c> new streams get, or <see langword="null"/>.</param>
/// <param name="MinVerificationInterval">The <c>min_verification_interval</c> new streams get, or <see langword="null"/>.</param>
public sealed record StreamContext(
    string Issuer,
    IReadOnlyList<string> EventsSupported,
    Func<string, string> PollEndpointUrl,
    TimeSpan? InactivityTimeout = null,
    TimeSpan? MinVerificationInterval = null);

/// <summary>
/// The Stream Management rules of SSF 1.0 §8.1.1 as pure functions: building a new stream from a create body,
/// and applying an update (PATCH) or replacement (PUT) to an existing one.
/// </summary>
public static class StreamRules
{
    /// <summary>
    /// <c>events_delivered</c> = requested ∩ supported, in the order requested (R93); types SetHub does not
    /// understand are ignored (R94). A receiver that requests nothing gets everything supported.
    /// </summary>
    public static IReadOnlyList<string> EventsDelivered(IReadOnlyList<string>? requested, IReadOnlyList<string> supported)
    {
        ArgumentNullException.ThrowIfNull(supported);
        if (requested is null)
        {
            return supported;
        }

        var supportedSet = supported as IReadOnlySet<string> ?? new HashSet<string>(supported, StringComparer.Ordinal);
        return requested.Where(supportedSet.Contains).ToArray();
    }

    /// <summary>Builds a new stream from a create body (SSF 1.0 §8.1.1.1).</summary>
    public static Result<EventStream> Create(
        StreamRequest request,
        StreamContext context,
        Receiver receiver,
        string streamId,
        string defaultSubjects,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(receiver);

        var delivery = ResolveDelivery(request.Delivery.IsPresent ? request.Delivery.Value : null, streamId, current: null, context);
        if (!delivery.IsSuccess)
        {
            return delivery.Error;
        }

        var requested = request.EventsRequested.IsPresent ? request.EventsRequested.Value : null;
        return new EventStream(
            TenantId: receiver.TenantId,
            StreamId: streamId,
            ReceiverId: receiver.ReceiverId,
            Audience: receiver.Audience,
            EventsRequested: requested,
            EventsDelivered: EventsDelivered(requested, context.EventsSupported),
            Delivery: delivery.Value,
            Description: request.Description.IsPresent ? request.Description.Value : null,
            Status: StreamStatus.Enabled,
            StatusReason: null,
            SigningAlgorithm: receiver.SigningAlgorithm,
            DefaultSubjects: defaultSubjects,
            InactivityTimeout: context.InactivityTimeout,
            MinVerificationInterval: context.MinVerificationInterval,
            CreatedAt: now,
            UpdatedAt: now,
            Version: 1);
    }

    /// <summary>
    /// Applies a PATCH (<see cref="StreamOperation.Update"/>: present properties change, missing ones stay, R103) or
    /// a PUT (<see cref="StreamOperation.Replace"/>: missing receiver-supplied properties are deleted, R104), after
    /// checking that every transmitter-supplied property sent matches its current value (R105).
    /// </summary>
    public static Result<EventStream> Apply(
        EventStream current,
        StreamRequest request,
        StreamOperation operation,
        StreamContext context,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (operation == StreamOperation.Create)
        {
            throw new ArgumentOutOfRangeException(nameof(operation), "Use Create for a new stream.");
        }

        if (CheckTransmitterSupplied(current, request.TransmitterSupplied, context) is { } mismatch)
        {
            return mismatch;
        }

        var replace = operation == StreamOperation.Replace;

        var requested = request.EventsRequested.IsPresent
            ? request.EventsRequested.Value
            : replace ? null : current.EventsRequested;

        var description = request.Description.IsPresent
            ? request.Description.Value
            : replace ? null : current.Description;

        var delivery = current.Delivery;
        if (request.Delivery.IsPresent || replace)
        {
            var resolved = ResolveDelivery(request.Delivery.IsPresent ? request.Delivery.Value : null, current.StreamId, current.Delivery, context);
            if (!resolved.IsSuccess)
            {
                return resolved.Error;
            }

            delivery = resolved.Value;
        }

        return current with
        {
            EventsRequested = requested,
            EventsDelivered = EventsDelivered(requested, context.EventsSupported),
            Description = description,
            Delivery = delivery,
            UpdatedAt = now,
        };
    }

    /// <summary>
    /// Resolves a <c>delivery</c> request: absent means poll (SSF 1.0 §8.1.1.1); poll gets the URL SetHub assigns;
    /// push needs the receiver's URL. An <c>authorization_header</c> equal to the redacted form SetHub showed keeps
    /// the stored secret, so read-modify-write clients do not erase it.
    /// </summary>
    private static Result<DeliverySettings> ResolveDelivery(
        DeliveryRequest? request,
        string streamId,
        DeliverySettings? current,
        StreamContext context)
    {
        var pollUrl = context.PollEndpointUrl(streamId);
        if (request is null || request.Method == SsfConstants.DeliveryMethods.Poll)
        {
            if (request?.EndpointUrl is { } url && !string.Equals(url, pollUrl, StringComparison.Ordinal))
            {
                return OperationError.Invalid("For poll delivery the transmitter assigns 'delivery.endpoint_url' (SSF 1.0 §6.1.2); omit it.");
            }

            if (request?.AuthorizationHeader is not null)
            {
                return OperationError.Invalid("'delivery.authorization_header' applies to push delivery only.");
            }

            return new DeliverySettings(SsfConstants.DeliveryMethods.Poll, pollUrl);
        }

        if (PushEndpointRules.Validate(request.EndpointUrl) is { } invalidUrl)
        {
            return invalidUrl;
        }

        var header = request.AuthorizationHeader;
        if (header is not null &&
            current is { IsPush: true, AuthorizationHeader: { } stored } &&
            string.Equals(header, AuthorizationHeaderRedaction.Redact(stored), StringComparison.Ordinal))
        {
            header = stored;
        }
        else if (header is not null && AuthorizationHeaderRedaction.IsRedacted(header))
        {
            // The redacted form keeps a stored secret; with none stored (a new stream, another scheme) it would be sent
            // to the receiver literally.
            return OperationError.Invalid(
                $"'delivery.authorization_header' is the redacted form '{header}', which only keeps the header already stored; there is none to keep: send the header itself.");
        }
        else if (header is not null && AuthorizationHeaderRedaction.Validate(header) is { } invalidHeader)
        {
            return invalidHeader;
        }

        return new DeliverySettings(SsfConstants.DeliveryMethods.Push, request.EndpointUrl!, header);
    }

    private static OperationError? CheckTransmitterSupplied(
        EventStream current,
        IReadOnlyDictionary<string, JsonElement> sent,
        StreamContext context)
    {
        foreach (var (name, value) in sent)
        {
            var matches = name switch
            {
                "iss" => value.ValueKind == JsonValueKind.String && value.GetString() == context.Issuer,
                "aud" => AudienceMatches(value, current.Audience),
                "events_supported" => SetEquals(value, context.EventsSupported),
                "events_delivered" => SetEquals(value, current.EventsDelivered),
                "inactivity_timeout" => SecondsMatch(value, current.InactivityTimeout),
                "min_verification_interval" => SecondsMatch(value, current.MinVerificationInterval),
                _ => false,
            };

            if (!matches)
            {
                return OperationError.Invalid($"'{name}' is supplied by the transmitter and does not match its current value (SSF 1.0 §8.1.1.3).");
            }
        }

        return null;
    }

    private static bool AudienceMatches(JsonElement value, string audience) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() == audience,
        JsonValueKind.Array => value.GetArrayLength() == 1 && value[0].ValueKind == JsonValueKind.String && value[0].GetString() == audience,
        _ => false,
    };

    private static bool SecondsMatch(JsonElement value, TimeSpan? expected) =>
        expected is { } interval && value.ValueKind == JsonValueKind.Number &&
        value.TryGetInt64(out var seconds) && seconds == (long)interval.TotalSeconds;

    private static bool SetEquals(JsonElement value, IReadOnlyList<string> expected)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var sent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            sent.Add(item.GetString()!);
        }

        return sent.SetEquals(expected);
    }
}
