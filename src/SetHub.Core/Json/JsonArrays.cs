using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SetHub.Core.Json;

/// <summary>String arrays to and from compact JSON, for stores that keep lists in a text column.</summary>
public static class JsonArrays
{
    /// <summary>Writes <paramref name="values"/> as a JSON array, or returns <see langword="null"/> for null.</summary>
    public static string? Write(IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(64 * (values.Count + 1));
        using (var writer = new Utf8JsonWriter(buffer, JsonWriterDefaults.Options))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a JSON array of strings, or returns <see langword="null"/> for null.</summary>
    public static IReadOnlyList<string>? Read(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        var list = new string[document.RootElement.GetArrayLength()];
        var index = 0;
        foreach (var item in document.RootElement.EnumerateArray())
        {
            list[index++] = item.GetString()!;
        }

        return list;
    }
}
