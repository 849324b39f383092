using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace SetHub.Bench.Api;

/// <summary>The claims of a SET the bench needs to match it with its publish.</summary>
/// <param name="Jti">Its unique id: twice the same means a duplicate delivery.</param>
/// <param name="Txn">The transaction id the publisher chose, shared by every SET of one publish.</param>
/// <param name="EventType">The one event type in <c>events</c>.</param>
public sealed record SetClaims(string Jti, string? Txn, string? EventType)
{
    public const string VerificationEvent = "https://schemas.openid.net/secevent/ssf/event-type/verification";

    /// <summary>SetHub's own verification SETs (one per new stream) are not load: the bench skips them.</summary>
    public bool IsVerification => EventType == VerificationEvent;
}

/// <summary>
/// Reads the claims of a compact JWS SET by base64url-decoding its payload. The signature is not checked: the bench
/// measures delivery, and the hub's tests already verify signatures.
/// </summary>
public static class SetToken
{
    /// <summary>The claims, or null when the token is not a three-part JWS with a JSON payload and a jti.</summary>
    public static SetClaims? Read(ReadOnlySpan<byte> compact)
    {
        var first = compact.IndexOf((byte)'.');
        if (first < 0)
        {
            return null;
        }

        var rest = compact[(first + 1)..];
        var second = rest.IndexOf((byte)'.');
        if (second < 0)
        {
            return null;
        }

        var encoded = rest[..second];
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            if (Base64Url.DecodeFromUtf8(encoded, buffer, out _, out var written) != OperationStatus.Done)
            {
                return null;
            }

            return ReadPayload(buffer.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc cref="Read(ReadOnlySpan{byte})"/>
    public static SetClaims? Read(string compact) => Read(System.Text.Encoding.ASCII.GetBytes(compact));

    private static SetClaims? ReadPayload(ReadOnlySpan<byte> json)
    {
        string? jti = null, txn = null, eventType = null;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("jti"u8) && reader.Read())
                {
                    jti = reader.GetString();
                }
                else if (reader.ValueTextEquals("txn"u8) && reader.Read())
                {
                    txn = reader.GetString();
                }
                else if (reader.ValueTextEquals("events"u8) && reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    // A copy of the reader (a struct) peeks at the first member; the original skips the whole object.
                    var peek = reader;
                    if (peek.Read() && peek.TokenType == JsonTokenType.PropertyName)
                    {
                        eventType = peek.GetString();
                    }

                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return jti is null ? null : new SetClaims(jti, txn, eventType);
    }
}
