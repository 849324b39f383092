using System.Text.Encodings.Web;
using System.Text.Json;

namespace SetHub.Core.Json;

/// <summary>Writer settings for JSON that SetHub signs or stores.</summary>
public static class JsonWriterDefaults
{
    /// <summary>
    /// No HTML-safe escaping: SETs and JOSE headers are base64url-encoded, never embedded in HTML, so <c>+</c> in
    /// <c>secevent+jwt</c> or an e-mail address is written as itself rather than <c>\u002B</c>.
    /// </summary>
    public static JsonWriterOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
