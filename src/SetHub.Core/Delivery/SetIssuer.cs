using System.Buffers;
using System.Text;
using System.Text.Json;
using SetHub.Core.Json;
using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Core.Tenants;

namespace SetHub.Core.Delivery;

/// <summary>
/// Builds and signs SSF control SETs (verification, stream-updated) for one stream; whoever queues them does so in
/// the transaction of the change they announce. A SET is signed once, before it is queued, and stored as its compact
/// JWS, so every delivery attempt sends the same bytes with the same <c>jti</c>.
/// </summary>
public sealed class SetIssuer(SigningKeyService keys, ITransmitterUrls urls, TimeProvider timeProvider)
{
    /// <summary>
    /// Signs (without queuing) a verification SET (SSF 1.0 §8.1.4.1): <c>sub_id</c> is the stream's own opaque
    /// subject, and <c>state</c> is echoed when the receiver gave one; a verification SetHub sends on its own carries none.
    /// </summary>
    public Task<QueuedSet> SignVerificationAsync(EventStream stream, string? state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var payload = WriteJson(writer =>
        {
            writer.WriteStartObject();
            if (state is not null)
            {
                writer.WriteString("state", state);
            }

            writer.WriteEndObject();
        });
        return SignAsync(stream, SsfConstants.SsfEvents.Verification, payload, cancellationToken);
    }

    /// <summary>Signs (without queuing) a stream-updated SET announcing <paramref name="status"/> (SSF 1.0 §8.1.5).</summary>
    public Task<QueuedSet> SignStreamUpdatedAsync(EventStream stream, StreamStatus status, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
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
        return SignAsync(stream, SsfConstants.SsfEvents.StreamUpdated, payload, cancellationToken);
    }

    /// <summary>The stream's own subject: <c>{"format": "opaque", "id": stream_id}</c> (SSF 1.0 §8.1.4.1, §8.1.5).</summary>
    public static string StreamSubjectJson(string streamId) => WriteJson(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("format", SsfConstants.SubjectFormats.Opaque);
        writer.WriteString("id", streamId);
        writer.WriteEndObject();
    });

    private async Task<QueuedSet> SignAsync(EventStream stream, string eventType, string payloadJson, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var key = await keys.GetSigningKeyAsync(stream.TenantId, stream.SigningAlgorithm, cancellationToken);
        var claims = new SetClaims(
            Issuer: urls.Issuer(stream.TenantId),
            Audience: stream.Audience,
            Jti: Identifiers.New(timeProvider),
            IssuedAt: now.ToUnixTimeSeconds(),
            SubjectJson: StreamSubjectJson(stream.StreamId),
            EventType: eventType,
            EventPayloadJson: payloadJson,
            Transaction: Identifiers.New(timeProvider)); // SSF 1.0 §4.1.9: txn SHOULD be set (R71)
        return new QueuedSet(stream.TenantId, stream.StreamId, claims.Jti, claims.Sign(key), eventType, IsControl: true, now);
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
