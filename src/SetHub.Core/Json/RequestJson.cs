using System.Text.Json;
using System.Text.Unicode;
using SetHub.Core.Results;

namespace SetHub.Core.Json;

/// <summary>
/// Parses request bodies strictly, so that every later read of a string or member name succeeds and means one thing.
/// <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> checks the structure only: invalid
/// UTF-8 inside a string, or an escape that decodes to a lone surrogate (<c>"\ud800"</c>), parses fine and throws
/// later, from <see cref="JsonElement.GetString"/>.
/// </summary>
public static class RequestJson
{
    /// <summary>The description of every body this parser refuses.</summary>
    public const string InvalidBody =
        "The request body is not valid JSON: it must be UTF-8 text (RFC 8259 §8.1) with Unicode strings and unique member names (RFC 8259 §4).";

    /// <summary>
    /// Parses <paramref name="utf8"/>, or fails when it is not UTF-8 (RFC 8259 §8.1), not JSON, nested deeper than
    /// <paramref name="maxDepth"/>, repeats a member name within an object (RFC 8259 §4: behaviour with duplicates is
    /// unpredictable, so it is refused rather than read first-wins here and last-wins there), or holds a string or
    /// member name that is not Unicode text (RFC 8259 §8.2).
    /// </summary>
    public static Result<JsonDocument> Parse(ReadOnlyMemory<byte> utf8, int maxDepth)
    {
        // The escapes are checked first: the duplicate check of the parser decodes member names, and throws on them.
        if (!Utf8.IsValid(utf8.Span) || !HasOnlyUnicodeStrings(utf8.Span, maxDepth))
        {
            return OperationError.Invalid(InvalidBody);
        }

        try
        {
            return JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = maxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException)
        {
            return OperationError.Invalid(InvalidBody);
        }
    }

    // The bytes are valid UTF-8, so only escaped strings can fail to decode: a high surrogate escape without its low
    // surrogate, or a low surrogate alone. Only those are decoded here; decoding is the one check System.Text.Json
    // offers. A body that is not JSON fails here too.
    private static bool HasOnlyUnicodeStrings(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                {
                    _ = reader.GetString();
                }
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return false;
        }

        return true;
    }
}
