using System.Buffers;
using System.Text;
using System.Text.Json;
using SetHub.Core.Json;
using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Core.Streams;

namespace SetHub.Core.Delivery;

/// <summary>A SET as signed: signed once, stored as its compact JWS, and sent as these exact bytes every time.</summary>
/// <param name="Jti">Its <c>jti</c>.</param>
/// <param name="Token">The compact JWS.</param>
/// <param name="EventType">The event type URI.</param>
/// <param name="IssuedAt">Its <c>iat</c>.</param>
public sealed record SignedSet(string Jti, string Token, string EventType, DateTimeOffset IssuedAt);

/// <summary>
/// The SSF control SETs a stream sends about itself: verification (SSF 1.0 §8.1.4.1) and stream-updated (§8.1.5).
/// Their subject is the stream's own opaque subject; each carries a fresh <c>jti</c> and a <c>txn</c> (R71).
/// </summary>
public static class ControlSets
{
    /// <summary>A verification SET; <c>state</c> is echoed when the receiver gave one.</summary>
    public static SignedSet Verification(string issuer, string audience, string streamId, string? state, SigningKey key, TimeProvider time)
    {
        var payload = WriteJson(writer =>
        {
            writer.WriteStartObject();
            if (state is not null)
            {
                writer.WriteString("state", state);
            }

            writer.WriteEndObject();
        });
        return Sign(issuer, audience, streamId, SsfConstants.SsfEvents.Verification, payload, key, time);
    }

    /// <summary>A stream-updated SET announcing <paramref name="status"/>.</summary>
    public static SignedSet StreamUpdated(string issuer, string audience, string streamId, StreamStatus status, string? reason, SigningKey key, TimeProvider time)
    {
        var payload = WriteJson(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("status", status.ToWire());
            if (reason is not null)
            {
                writer.WriteString("reason", reason);
            }

            writer.WriteEndObject();
        });
        return Sign(issuer, audience, streamId, SsfConstants.SsfEvents.StreamUpdated, payload, key, time);
    }

    /// <summary>The stream's own subject: <c>{"format": "opaque", "id": stream_id}</c> (SSF 1.0 §8.1.4.1, §8.1.5).</summary>
    public static string StreamSubjectJson(string streamId) => WriteJson(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("format", SsfConstants.SubjectFormats.Opaque);
        writer.WriteString("id", streamId);
        writer.WriteEndObject();
    });

    private static SignedSet Sign(string issuer, string audience, string streamId, string eventType, string payloadJson, SigningKey key, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = time.GetUtcNow();
        var claims = new SetClaims(
            Issuer: issuer,
            Audience: audience,
            Jti: Identifiers.New(time),
            IssuedAt: now.ToUnixTimeSeconds(),
            SubjectJson: StreamSubjectJson(streamId),
            EventType: eventType,
            EventPayloadJson: payloadJson,
            Transaction: Identifiers.New(time)); // SSF 1.0 §4.1.9: txn SHOULD be set (R71)
        return new SignedSet(claims.Jti, claims.Sign(key), eventType, now);
    }

    private static string WriteJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, JsonWriterDefaults.Options))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
