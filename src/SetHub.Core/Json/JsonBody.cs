using System.Text.Json;
using SetHub.Core.Results;

namespace SetHub.Core.Json;

/// <summary>Small strict readers for request bodies, so every type error becomes a precise 400.</summary>
public static class JsonBody
{
    /// <summary>Fails unless <paramref name="body"/> is an object whose members are all in <paramref name="allowed"/>.
    /// Admin bodies are strict so a misspelt option is an error rather than silently ignored.</summary>
    public static OperationError? RequireObjectWithOnly(JsonElement body, params string[] allowed)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return OperationError.Invalid("The request body must be a JSON object.");
        }

        foreach (var property in body.EnumerateObject())
        {
            if (Array.IndexOf(allowed, property.Name) < 0)
            {
                return OperationError.Invalid($"Unknown member '{property.Name}'; expected one of: {string.Join(", ", allowed)}.");
            }
        }

        return null;
    }

    /// <summary>Reads an optional string member: absent or null gives <see langword="null"/>.</summary>
    public static Result<string?> OptionalString(JsonElement body, string name, int maxLength)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return Result<string?>.Success(null);
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return OperationError.Invalid($"'{name}' must be a string.");
        }

        var text = value.GetString()!;
        return text.Length > maxLength
            ? OperationError.Invalid($"'{name}' must be at most {maxLength} characters.")
            : text;
    }

    /// <summary>Reads an optional identifier or name (an audience, a display name, a <c>txn</c>): as
    /// <see cref="OptionalString"/>, and refused when it holds a control character, a line or paragraph separator or a
    /// bidirectional formatting character (U+202E and its kind), which would end up in every SET's claims, in logs and in
    /// consoles, where they break lines or make one name display as another.</summary>
    public static Result<string?> OptionalName(JsonElement body, string name, int maxLength)
    {
        var value = OptionalString(body, name, maxLength);
        return value.IsSuccess && value.Value is { } text && !IsPlainText(text)
            ? OperationError.Invalid($"'{name}' must not contain control, line-separator or bidirectional formatting characters.")
            : value;
    }

    /// <summary>Reads a required, non-empty identifier or name (see <see cref="OptionalName"/>).</summary>
    public static Result<string> RequiredName(JsonElement body, string name, int maxLength)
    {
        var value = OptionalName(body, name, maxLength);
        if (!value.IsSuccess)
        {
            return value.Error;
        }

        return string.IsNullOrEmpty(value.Value)
            ? OperationError.Invalid($"'{name}' is required and must be a non-empty string.")
            : value.Value;
    }

    /// <summary>Whether <paramref name="text"/> is free of control characters (Cc), line and paragraph separators and
    /// bidirectional formatting characters (Unicode UAX #9: ALM, LRM, RLM, the embeddings, overrides and isolates).</summary>
    private static bool IsPlainText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (char.IsControl(c) || c is '\u061C' or '\u200E' or '\u200F' or '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            {
                return false;
            }
        }

        return true;
    }
}
