using System.Text.Json;
using SetHub.Core.Json;
using SetHub.Core.Results;
using SetHub.Core.Subjects;

namespace SetHub.Core.Events;

/// <summary>
/// A parsed publish body, in the shape of the SET claims it becomes:
/// <c>{"events": {"&lt;type&gt;": {…}}, "sub_id": {…}, "txn"?: "…", "toe"?: NumericDate}</c>.
/// </summary>
/// <param name="EventType">The one event type URI.</param>
/// <param name="PayloadJson">The event payload as compact JSON.</param>
/// <param name="Subject">The validated <c>sub_id</c>.</param>
/// <param name="Transaction">The <c>txn</c>, when the publisher gave one.</param>
/// <param name="TimeOfEvent">The <c>toe</c>, when the publisher gave one.</param>
public sealed record PublishRequest(string EventType, string PayloadJson, SubjectIdentifier Subject, string? Transaction, long? TimeOfEvent)
{
    /// <summary>The longest <c>txn</c> accepted.</summary>
    public const int MaxTransactionLength = 256;

    /// <summary>The largest event payload accepted, in characters of compact JSON.</summary>
    public const int MaxPayloadLength = 32 * 1024;

    /// <summary>Parses and validates a publish body (R4, R5, R21, R72, R127–R143).</summary>
    public static Result<PublishRequest> Parse(JsonElement body)
    {
        if (JsonBody.RequireObjectWithOnly(body, "events", "sub_id", "txn", "toe") is { } shapeError)
        {
            return shapeError;
        }

        // RFC 8417 §2.2 and SSF 1.0 §4.2.1: one event per SET, its value an object.
        if (!body.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Object)
        {
            return OperationError.Invalid("'events' is required: an object with exactly one event type URI.");
        }

        var members = events.EnumerateObject().ToArray();
        if (members.Length != 1)
        {
            return OperationError.Invalid("'events' must hold exactly one event type URI (SSF 1.0 §4.2.1).");
        }

        var (eventType, payload) = (members[0].Name, members[0].Value);
        if (!EventTypeCatalog.IsEventTypeUri(eventType))
        {
            return OperationError.Invalid($"The event type '{eventType}' is not a URI.");
        }

        if (EventTypeCatalog.IsControlEvent(eventType))
        {
            return OperationError.Invalid("Verification and stream-updated events are issued by SetHub itself and cannot be published.");
        }

        if (!body.TryGetProperty("sub_id", out var subjectElement))
        {
            return OperationError.Invalid("'sub_id' is required (SSF 1.0 §3.1).");
        }

        var subject = SubjectParser.Parse(subjectElement);
        if (!subject.IsSuccess)
        {
            return subject.Error;
        }

        if (EventPayloadRules.Validate(eventType, payload, subject.Value) is { } payloadError)
        {
            return payloadError;
        }

        var transaction = JsonBody.OptionalName(body, "txn", MaxTransactionLength);
        if (!transaction.IsSuccess)
        {
            return transaction.Error;
        }

        // SSF 1.0 §4.1.9: a txn is unique to its underlying event; an empty one would tie unrelated events together.
        if (transaction.Value is { Length: 0 })
        {
            return OperationError.Invalid("'txn' must not be empty; leave it out to have SetHub generate one.");
        }

        long? timeOfEvent = null;
        if (body.TryGetProperty("toe", out var toe))
        {
            // RFC 7519 §2 NumericDate: seconds since the epoch. SetHub keeps whole seconds.
            if (toe.ValueKind != JsonValueKind.Number || !toe.TryGetDouble(out var seconds) || seconds < 0 || seconds > 253402300799)
            {
                return OperationError.Invalid("'toe' must be a NumericDate: a non-negative number of seconds since the epoch.");
            }

            timeOfEvent = (long)seconds;
        }

        var payloadJson = payload.GetRawText();
        if (payloadJson.Length > MaxPayloadLength)
        {
            return OperationError.Invalid($"The event payload is larger than {MaxPayloadLength} characters.");
        }

        return new PublishRequest(eventType, Compact(payload), subject.Value, transaction.Value, timeOfEvent);
    }

    private static string Compact(JsonElement payload)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonWriterDefaults.Options))
        {
            payload.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
