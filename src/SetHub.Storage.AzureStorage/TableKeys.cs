using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SetHub.Storage.AzureStorage;

/// <summary>
/// Makes any string usable in a PartitionKey or RowKey. Azure Table forbids <c>/</c>, <c>\</c>, <c>#</c>, <c>?</c> and
/// control characters in keys and caps a key at 1 KiB; ids SetHub makes itself never contain those, but <c>jti</c>s
/// acknowledged by receivers and subject identifiers (emails, URIs, complex subjects) may. Those characters, the
/// <c>:</c> SetHub joins key parts with, the quote and the escape character itself become <c>!XXXX</c> (the UTF-16 code
/// unit in hex), so joined parts stay apart; a key still too long after that is replaced by <c>~</c> and the base64url
/// SHA-256 of the original. Distinct strings never share a key, and the original value is always stored in a property
/// beside the key.
/// </summary>
internal static class TableKeys
{
    /// <summary>The longest encoded key part kept readable; longer ones are hashed (well inside the 1 KiB key limit
    /// even when two parts are joined).</summary>
    private const int MaxReadableLength = 200;

    private const char Escape = '!';

    /// <summary>Encodes one key part.</summary>
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        StringBuilder? escaped = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (NeedsEscape(c))
            {
                escaped ??= new StringBuilder(value.Length + 16).Append(value, 0, i);
                escaped.Append(Escape).Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                escaped?.Append(c);
            }
        }

        var encoded = escaped?.ToString() ?? value;
        return encoded.Length <= MaxReadableLength && !encoded.StartsWith('~') ? encoded : Hashed(value);
    }

    private static bool NeedsEscape(char c) =>
        c is '/' or '\\' or '#' or '?' or ':' or Escape or '\'' || char.IsControl(c) || char.IsSurrogate(c);

    private static string Hashed(string value) =>
        "~" + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
