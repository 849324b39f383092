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

    /// <summary>Reads a required, non-empty string member.</summary>
    public static Result<string> RequiredString(JsonElement body, string name, int maxLength)
    {
        var value = OptionalString(body, name, maxLength);
        if (!value.IsSuccess)
        {
            return value.Error;
        }

        return string.IsNullOrEmpty(value.Value)
            ? OperationError.Invalid($"'{name}' is required and must be a non-empty string.")
            : value.Value;
    }
}
