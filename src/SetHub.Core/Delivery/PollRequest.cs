using System.Text.Json;
using SetHub.Core.Results;

namespace SetHub.Core.Delivery;

/// <summary>An error a receiver reported for one SET (RFC 8936 §2.4.4 <c>setErrs</c>).</summary>
/// <param name="Error">The RFC 8935 error code.</param>
/// <param name="Description">The receiver's description, if any.</param>
public sealed record SetError(string Error, string? Description);

/// <summary>A parsed RFC 8936 §2.2 poll request body.</summary>
/// <param name="MaxEvents"><c>maxEvents</c>, or <see langword="null"/> when absent (no limit).</param>
/// <param name="ReturnImmediately"><c>returnImmediately</c>; default false (long poll).</param>
/// <param name="Acks"><c>ack</c>: the <c>jti</c>s acknowledged.</param>
/// <param name="Errors"><c>setErrs</c>: the SETs rejected, by <c>jti</c>.</param>
public sealed record PollRequest(
    int? MaxEvents,
    bool ReturnImmediately,
    IReadOnlyList<string> Acks,
    IReadOnlyDictionary<string, SetError> Errors)
{
    /// <summary>The most <c>ack</c> or <c>setErrs</c> entries one request may carry.</summary>
    public const int MaxAcknowledgements = 10_000;

    private const int MaxJtiLength = 256;
    private const int MaxErrorCodeLength = 64;
    private const int MaxDescriptionLength = 1024;

    /// <summary>Parses a poll body. <c>{}</c> is valid and uses every default (RFC 8936 §2.4.1).</summary>
    public static Result<PollRequest> Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return OperationError.Invalid("The poll request must be a JSON object (RFC 8936 §2.2).");
        }

        int? maxEvents = null;
        var returnImmediately = false;
        IReadOnlyList<string> acks = [];
        IReadOnlyDictionary<string, SetError> errors = new Dictionary<string, SetError>();

        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "maxEvents":
                    if (MaxEventsOf(property.Value) is not { } max)
                    {
                        return OperationError.Invalid("'maxEvents' must be a non-negative integer.");
                    }

                    maxEvents = max;
                    break;

                case "returnImmediately":
                    if (property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        return OperationError.Invalid("'returnImmediately' must be a boolean.");
                    }

                    returnImmediately = property.Value.GetBoolean();
                    break;

                case "ack":
                    var parsedAcks = ParseAcks(property.Value);
                    if (!parsedAcks.IsSuccess)
                    {
                        return parsedAcks.Error;
                    }

                    acks = parsedAcks.Value;
                    break;

                case "setErrs":
                    var parsedErrors = ParseErrors(property.Value);
                    if (!parsedErrors.IsSuccess)
                    {
                        return parsedErrors.Error;
                    }

                    errors = parsedErrors.Value;
                    break;

                default:
                    break; // extensions are ignored
            }
        }

        return new PollRequest(maxEvents, returnImmediately, acks, errors);
    }

    private static Result<IReadOnlyList<string>> ParseAcks(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return OperationError.Invalid("'ack' must be an array of jti strings.");
        }

        if (value.GetArrayLength() > MaxAcknowledgements)
        {
            return OperationError.Invalid($"'ack' may hold at most {MaxAcknowledgements} entries per request.");
        }

        var acks = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString()!.Length is 0 or > MaxJtiLength)
            {
                return OperationError.Invalid("'ack' must hold only non-empty jti strings.");
            }

            acks.Add(item.GetString()!);
        }

        return acks;
    }

    private static Result<IReadOnlyDictionary<string, SetError>> ParseErrors(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return OperationError.Invalid("'setErrs' must be an object mapping jti to {\"err\", \"description\"}.");
        }

        var errors = new Dictionary<string, SetError>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            if (errors.Count == MaxAcknowledgements)
            {
                return OperationError.Invalid($"'setErrs' may hold at most {MaxAcknowledgements} entries per request.");
            }

            if (entry.Name.Length is 0 or > MaxJtiLength || entry.Value.ValueKind != JsonValueKind.Object)
            {
                return OperationError.Invalid("'setErrs' entries must map a jti to an object.");
            }

            if (!entry.Value.TryGetProperty("err", out var err) || err.ValueKind != JsonValueKind.String ||
                err.GetString()!.Length is 0 or > MaxErrorCodeLength)
            {
                return OperationError.Invalid($"'setErrs.{entry.Name}.err' is required and must be an error code string (RFC 8936 §2.4.4).");
            }

            string? description = null;
            if (entry.Value.TryGetProperty("description", out var text) && text.ValueKind != JsonValueKind.Null)
            {
                if (text.ValueKind != JsonValueKind.String)
                {
                    return OperationError.Invalid($"'setErrs.{entry.Name}.description' must be a string.");
                }

                description = text.GetString()!;
                if (description.Length > MaxDescriptionLength)
                {
                    description = description[..MaxDescriptionLength];
                }
            }

            errors[entry.Name] = new SetError(err.GetString()!, description);
        }

        return errors;
    }

    /// <summary>
    /// <c>maxEvents</c> as a count (RFC 8936 §2.2: a non-negative integer): any JSON number with an integer value, however
    /// written (<c>10</c>, <c>10.0</c>, <c>1e3</c>) or however large, which the poll answer caps anyway; beyond
    /// <see cref="int.MaxValue"/> it is <see cref="int.MaxValue"/>. <see langword="null"/> for anything else.
    /// </summary>
    private static int? MaxEventsOf(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        if (value.TryGetDecimal(out var exact))
        {
            return exact < 0 || exact != decimal.Truncate(exact) ? null : exact >= int.MaxValue ? int.MaxValue : (int)exact;
        }

        // Too large for decimal: a double this large has no fraction; one too large for double is beyond any cap.
        if (value.TryGetDouble(out var large))
        {
            return large < 0 ? null : int.MaxValue;
        }

        return value.GetRawText().StartsWith('-') ? null : int.MaxValue;
    }
}
