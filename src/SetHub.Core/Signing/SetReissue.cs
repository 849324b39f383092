using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace SetHub.Core.Signing;

/// <summary>
/// Re-issues a SET for an explicit re-drive: the same claims (<c>iss</c>, <c>aud</c>, <c>txn</c>, <c>sub_id</c>,
/// <c>toe</c>, the event), a new <c>jti</c> and a fresh <c>iat</c>, signed again with the tenant's active key.
/// Receivers commonly refuse SETs older than their own age limit; resending the same bytes would be refused again. RFC
/// 8417 §2.2 makes <c>jti</c> unique per issued SET, so a re-issued SET, issued anew, gets its own; <c>txn</c> (§2.2)
/// tells the receiver it is the same event.
/// </summary>
public static class SetReissue
{
    /// <summary>A fresh <c>jti</c>: 128 random bits, as 22 base64url characters (the shape of every SetHub <c>jti</c>).</summary>
    public static string NewJti()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The SET <paramref name="token"/> issued again with <paramref name="jti"/> and <paramref name="issuedAt"/>,
    /// every other claim as it was, signed with <paramref name="key"/>.</summary>
    /// <exception cref="FormatException">The token is not a compact JWS with a JSON object payload.</exception>
    public static string Reissue(string token, string jti, DateTimeOffset issuedAt, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(key);
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            throw new FormatException("A SET is a compact JWS of three parts.");
        }

        var payload = Base64Url.DecodeFromChars(parts[1]);
        using var claims = JsonDocument.Parse(payload);
        if (claims.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A SET's payload is a JSON object.");
        }

        var output = new ArrayBufferWriter<byte>(payload.Length + 16);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            foreach (var claim in claims.RootElement.EnumerateObject())
            {
                if (claim.NameEquals("jti"))
                {
                    writer.WriteString("jti", jti);
                }
                else if (claim.NameEquals("iat"))
                {
                    writer.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
                }
                else
                {
                    claim.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return key.Sign(output.WrittenSpan);
    }
}
