using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SetHub.Core.Results;
using static SetHub.Core.SsfConstants.SubjectFormats;

using SetHub.Core.Json;

namespace SetHub.Core.Subjects;

/// <summary>
/// Validates subject identifiers against RFC 9493 §3 and SSF 1.0 §3 and builds their canonical form.
/// Every rule that fails produces a 400 <c>invalid_request</c> naming the member at fault (R12–R23, R65–R67).
/// </summary>
public static partial class SubjectParser
{
    /// <summary>Longest string SetHub accepts in any identifier member; longer values are abuse, not identity.</summary>
    public const int MaxValueLength = 2048;

    /// <summary>Most members a complex subject, or identifiers an <c>aliases</c> identifier, may carry.</summary>
    public const int MaxMembers = 32;

    // Names seen in examples and older drafts that mean a registered format (A10, A14). Accepting them as proprietary
    // formats would make subjects that silently never match, so they are refused with the right name.
    private static readonly Dictionary<string, string> MisnamedFormats = new(StringComparer.Ordinal)
    {
        ["phone"] = PhoneNumber,
        ["jwt-id"] = JwtId,
    };

    /// <summary>Parses and validates one subject identifier or complex subject.</summary>
    public static Result<SubjectIdentifier> Parse(JsonElement element) => Parse(element, Level.Top, "subject");

    /// <summary>Parses a subject from JSON text (a convenience for tests and tools).</summary>
    public static Result<SubjectIdentifier> Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException)
        {
            return OperationError.Invalid("The subject is not valid JSON.");
        }
    }

    private enum Level
    {
        Top,          // anything, including complex
        ComplexMember, // a simple identifier inside a complex subject (aliases allowed)
        Alias,        // an identifier inside aliases: no aliases, no complex (RFC 9493 §3.2.8)
    }

    private static Result<SubjectIdentifier> Parse(JsonElement element, Level level, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return OperationError.Invalid($"'{path}' must be a JSON object.");
        }

        if (!element.TryGetProperty("format", out var formatElement) || formatElement.ValueKind != JsonValueKind.String)
        {
            // R143: Google's legacy subject_type is not accepted from new services.
            return OperationError.Invalid($"'{path}' must have a string 'format' member (RFC 9493 §3).");
        }

        var format = formatElement.GetString()!;
        if (MisnamedFormats.TryGetValue(format, out var correctName))
        {
            return OperationError.Invalid($"'{path}.format' '{format}' is not a registered format; use '{correctName}'.");
        }

        if (!FormatNamePattern().IsMatch(format))
        {
            return OperationError.Invalid($"'{path}.format' is not a valid format name (RFC 9493 §3: lowercase letters, digits, '_' and '-').");
        }

        var count = CountMembers(element, out var duplicate);
        if (duplicate is not null)
        {
            return OperationError.Invalid($"'{path}' repeats the member '{duplicate}'.");
        }

        if (count > MaxMembers + 1)
        {
            return OperationError.Invalid($"'{path}' has more than {MaxMembers} members.");
        }

        return format switch
        {
            Complex when level != Level.Top =>
                OperationError.Invalid($"'{path}' is a complex subject, which cannot be nested (SSF 1.0 §3.3)."),
            Complex => ParseComplex(element, path),
            Aliases when level == Level.Alias =>
                OperationError.Invalid($"'{path}' nests an 'aliases' identifier, which RFC 9493 §3.2.8 forbids."),
            Aliases => ParseAliases(element, path),
            Account => ParseStrings(element, path, format, ("uri", IsAccountUri, "an 'acct:' URI (RFC 7565)")),
            Email => ParseStrings(element, path, format, ("email", IsEmail, "an e-mail address (RFC 5322 addr-spec)")),
            IssuerSubject => ParseStrings(element, path, format, ("iss", NotEmpty, "a non-empty string"), ("sub", NotEmpty, "a non-empty string")),
            Opaque => ParseStrings(element, path, format, ("id", NotEmpty, "a non-empty string")),
            PhoneNumber => ParseStrings(element, path, format, ("phone_number", IsE164, "an E.164 number with its '+' prefix")),
            Did => ParseStrings(element, path, format, ("url", IsDidUrl, "a DID URL (did:method:id)")),
            SsfConstants.SubjectFormats.Uri => ParseStrings(element, path, format, ("uri", IsUri, "an absolute URI (RFC 3986)")),
            JwtId => ParseStrings(element, path, format, ("iss", NotEmpty, "a non-empty string"), ("jti", NotEmpty, "a non-empty string")),
            SamlAssertionId => ParseStrings(element, path, format, ("issuer", NotEmpty, "a non-empty string"), ("assertion_id", NotEmpty, "a non-empty string")),
            IpAddresses => ParseIpAddresses(element, path),
            _ => ParseProprietary(element, path, format),
        };
    }

    private static int CountMembers(JsonElement element, out string? duplicate)
    {
        duplicate = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                duplicate = property.Name;
            }
        }

        return seen.Count;
    }

    private static Result<SubjectIdentifier> ParseStrings(
        JsonElement element,
        string path,
        string format,
        params (string Name, Func<string, bool> IsValid, string Expected)[] members)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, isValid, expected) in members)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
            {
                return OperationError.Invalid($"'{path}' of format '{format}' requires the string member '{name}' (RFC 9493 §3).");
            }

            var text = value.GetString()!;
            if (text.Length > MaxValueLength)
            {
                return OperationError.Invalid($"'{path}.{name}' is longer than {MaxValueLength} characters.");
            }

            if (!isValid(text))
            {
                return OperationError.Invalid($"'{path}.{name}' must be {expected}.");
            }

            values[name] = format == Email ? text.ToLowerInvariant() : text;
        }

        // R12: members the format does not describe are not allowed.
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name != "format" && !values.ContainsKey(property.Name))
            {
                return OperationError.Invalid($"'{path}' of format '{format}' must not contain the member '{property.Name}' (RFC 9493 §3).");
            }
        }

        var canonical = WriteCanonical(writer =>
        {
            writer.WriteString("format", format);
            foreach (var (name, text) in values)
            {
                writer.WriteString(name, text);
            }
        });
        return new SubjectIdentifier(format, Compact(element), canonical, [], []);
    }

    private static Result<SubjectIdentifier> ParseIpAddresses(JsonElement element, string path)
    {
        if (!element.TryGetProperty(IpAddresses, out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            return OperationError.Invalid($"'{path}' of format 'ip-addresses' requires a non-empty array member 'ip-addresses' (SSF 1.0 §3.5.3).");
        }

        if (array.GetArrayLength() > MaxMembers)
        {
            return OperationError.Invalid($"'{path}.ip-addresses' has more than {MaxMembers} entries.");
        }

        var addresses = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !TryNormalizeIpAddress(item.GetString()!, out var normalized))
            {
                return OperationError.Invalid($"'{path}.ip-addresses' must hold only IPv4 or IPv6 address strings (RFC 4001).");
            }

            addresses.Add(normalized);
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name is not ("format" or IpAddresses))
            {
                return OperationError.Invalid($"'{path}' of format 'ip-addresses' must not contain the member '{property.Name}'.");
            }
        }

        var canonical = WriteCanonical(writer =>
        {
            writer.WriteString("format", IpAddresses);
            writer.WriteStartArray(IpAddresses);
            foreach (var address in addresses)
            {
                writer.WriteStringValue(address);
            }

            writer.WriteEndArray();
        });
        return new SubjectIdentifier(IpAddresses, Compact(element), canonical, [], []);
    }

    private static Result<SubjectIdentifier> ParseAliases(JsonElement element, string path)
    {
        if (!element.TryGetProperty("identifiers", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            return OperationError.Invalid($"'{path}' of format 'aliases' requires a non-empty array member 'identifiers' (RFC 9493 §3.2.8).");
        }

        if (array.GetArrayLength() > MaxMembers)
        {
            return OperationError.Invalid($"'{path}.identifiers' has more than {MaxMembers} entries.");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name is not ("format" or "identifiers"))
            {
                return OperationError.Invalid($"'{path}' of format 'aliases' must not contain the member '{property.Name}' (RFC 9493 §3.2.8).");
            }
        }

        var identifiers = new List<SubjectIdentifier>(array.GetArrayLength());
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var parsed = Parse(item, Level.Alias, $"{path}.identifiers[{index++}]");
            if (!parsed.IsSuccess)
            {
                return parsed;
            }

            if (!identifiers.Contains(parsed.Value))
            {
                identifiers.Add(parsed.Value);
            }
        }

        identifiers.Sort(static (a, b) => string.CompareOrdinal(a.CanonicalJson, b.CanonicalJson));
        var canonical = WriteCanonical(writer =>
        {
            writer.WriteString("format", Aliases);
            writer.WriteStartArray("identifiers");
            foreach (var identifier in identifiers)
            {
                writer.WriteRawValue(identifier.CanonicalJson, skipInputValidation: true);
            }

            writer.WriteEndArray();
        });
        return new SubjectIdentifier(Aliases, Compact(element), canonical, [], identifiers);
    }

    private static Result<SubjectIdentifier> ParseComplex(JsonElement element, string path)
    {
        var members = new List<SubjectMember>();
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name == "format")
            {
                continue;
            }

            if (property.Name.Length is 0 or > 64)
            {
                return OperationError.Invalid($"'{path}' has a member name that is empty or longer than 64 characters.");
            }

            var parsed = Parse(property.Value, Level.ComplexMember, $"{path}.{property.Name}");
            if (!parsed.IsSuccess)
            {
                return parsed;
            }

            members.Add(new SubjectMember(property.Name, parsed.Value));
        }

        if (members.Count == 0)
        {
            return OperationError.Invalid($"'{path}' is a complex subject without members; it needs at least one (SSF 1.0 §3.3).");
        }

        members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var canonical = WriteCanonical(writer =>
        {
            writer.WriteString("format", Complex);
            foreach (var member in members)
            {
                writer.WritePropertyName(member.Name);
                writer.WriteRawValue(member.Value.CanonicalJson, skipInputValidation: true);
            }
        });
        return new SubjectIdentifier(Complex, Compact(element), canonical, members, []);
    }

    // SSF 1.0 §3.4: proprietary formats are agreed between the parties; SetHub checks only their shape
    // and matches them by canonical equality.
    private static Result<SubjectIdentifier> ParseProprietary(JsonElement element, string path, string format)
    {
        var hasIdentifyingMember = false;
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name == "format")
            {
                continue;
            }

            hasIdentifyingMember = true;
            if (property.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ||
                (property.Value.ValueKind == JsonValueKind.String && property.Value.GetString()!.Length == 0))
            {
                return OperationError.Invalid($"'{path}.{property.Name}' must not be null or empty.");
            }
        }

        if (!hasIdentifyingMember)
        {
            return OperationError.Invalid($"'{path}' of format '{format}' has no member besides 'format'.");
        }

        if (element.GetRawText().Length > MaxValueLength * 4)
        {
            return OperationError.Invalid($"'{path}' is too large.");
        }

        var canonical = WriteCanonical(writer => WriteSortedMembers(writer, element));
        return new SubjectIdentifier(format, Compact(element), canonical, [], []);
    }

    private static void WriteSortedMembers(Utf8JsonWriter writer, JsonElement element)
    {
        foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            writer.WritePropertyName(property.Name);
            WriteCanonicalValue(writer, property.Value);
        }
    }

    private static void WriteCanonicalValue(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                WriteSortedMembers(writer, value);
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteCanonicalValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    // The identifier as given, without insignificant white space, for echoing in SETs.
    private static string Compact(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonWriterDefaults.Options))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string WriteCanonical(Action<Utf8JsonWriter> writeMembers)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonWriterDefaults.Options))
        {
            writer.WriteStartObject();
            writeMembers(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static bool NotEmpty(string value) => value.Length > 0;

    // RFC 7565: acct:userpart@host, both parts non-empty.
    private static bool IsAccountUri(string value) => AccountUriPattern().IsMatch(value);

    // RFC 5322 addr-spec, restricted to the dot-atom and quoted-string forms real mailboxes use.
    private static bool IsEmail(string value) => value.Length <= 320 && EmailPattern().IsMatch(value);

    // E.164: '+', a non-zero country code digit, at most 15 digits in all (RFC 9493 §3.2.5).
    private static bool IsE164(string value) => E164Pattern().IsMatch(value);

    // A DID (did:method:method-specific-id) optionally followed by path, query or fragment (RFC 9493 §3.2.6).
    private static bool IsDidUrl(string value) => DidUrlPattern().IsMatch(value);

    // RFC 3986 §3: scheme ":" hier-part, no white space. System.Uri is not used: on Unix it takes "/x" as absolute.
    private static bool IsUri(string value) => UriPattern().IsMatch(value);

    private static bool TryNormalizeIpAddress(string text, out string normalized)
    {
        normalized = string.Empty;
        // IPAddress.TryParse accepts shorthand such as "1" or "0x7f.1"; RFC 4001 text forms are dotted quads or IPv6.
        var looksLikeIpv4 = Ipv4Pattern().IsMatch(text);
        var looksLikeIpv6 = text.Contains(':', StringComparison.Ordinal) && !text.Contains('%', StringComparison.Ordinal);
        if ((!looksLikeIpv4 && !looksLikeIpv6) || !IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        if (looksLikeIpv6 && address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        normalized = address.ToString();
        return true;
    }

    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex FormatNamePattern();

    [GeneratedRegex(@"^acct:[^\s@]+@[^\s@]+$", RegexOptions.IgnoreCase)]
    private static partial Regex AccountUriPattern();

    [GeneratedRegex("""^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*|"(?:[^"\\\r\n]|\\.)+")@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[^\[\]\s\\]+\])$""")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    private static partial Regex E164Pattern();

    [GeneratedRegex(@"^did:[a-z0-9]+:[A-Za-z0-9._:%-]*[A-Za-z0-9._%-](?:[/?#]\S*)?$")]
    private static partial Regex DidUrlPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")]
    private static partial Regex UriPattern();

    [GeneratedRegex(@"^(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$")]
    private static partial Regex Ipv4Pattern();
}
