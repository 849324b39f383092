using System.Text.Json;
using System.Text.Json.Serialization;

namespace SetHub.Bench.Report;

/// <summary>How reports are written to and read from JSON.</summary>
public static class ReportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // A figure that could not be measured is NaN; JSON has no such number, so it is written as a string.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };
}
