using System.Buffers;
using System.Text.Json;

using SetHub.Core.Json;

namespace SetHub.Core.Signing;

/// <summary>
/// The claims of one SET as SetHub issues them (RFC 8417 §2.2, SSF 1.0 §4): <c>iss</c>, <c>aud</c>, <c>jti</c>,
/// <c>iat</c>, optional <c>txn</c> and <c>toe</c>, top-level <c>sub_id</c>, and exactly one event. Never <c>sub</c>
/// (SSF 1.0 §4.1.2, R74) nor <c>exp</c> (§4.1.7, R75).
/// </summary>
/// <param name="Issuer">The tenant issuer.</param>
/// <param name="Audience">The stream's <c>aud</c>.</param>
/// <param name="Jti">A unique id for this SET (R2).</param>
/// <param name="IssuedAt">Seconds since the epoch.</param>
/// <param name="SubjectJson">The <c>sub_id</c> as compact JSON (already validated).</param>
/// <param name="EventType">The event type URI.</param>
/// <param name="EventPayloadJson">The event object as compact JSON (already validated), <c>{}</c> when empty.</param>
/// <param name="Transaction">The <c>txn</c>, or <see langword="null"/>.</param>
/// <param name="TimeOfEvent">The <c>toe</c> in seconds since the epoch, or <see langword="null"/>.</param>
public sealed record SetClaims(
    string Issuer,
    string Audience,
    string Jti,
    long IssuedAt,
    string SubjectJson,
    string EventType,
    string EventPayloadJson,
    string? Transaction = null,
    long? TimeOfEvent = null)
{
    // Signing is the fan-out hot path: reuse one buffer and one writer per thread instead of allocating per SET.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    /// <summary>Writes the claims as the JWS payload.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, JsonWriterDefaults.Options);
        WriteTo(writer);
    }

    private void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("iss", Issuer);
        writer.WriteString("aud", Audience);
        writer.WriteString("jti", Jti);
        writer.WriteNumber("iat", IssuedAt);
        if (Transaction is not null)
        {
            writer.WriteString("txn", Transaction);
        }

        if (TimeOfEvent is { } toe)
        {
            writer.WriteNumber("toe", toe);
        }

        writer.WritePropertyName("sub_id");
        writer.WriteRawValue(SubjectJson, skipInputValidation: true);
        writer.WriteStartObject("events");
        writer.WritePropertyName(EventType);
        writer.WriteRawValue(EventPayloadJson, skipInputValidation: true);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>Signs the claims with <paramref name="key"/> and returns the compact SET.</summary>
    public string Sign(SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var buffer = _threadBuffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = _threadWriter ??= new Utf8JsonWriter(buffer, JsonWriterDefaults.Options);
        writer.Reset(buffer);
        WriteTo(writer);
        return key.Sign(buffer.WrittenSpan);
    }
}
