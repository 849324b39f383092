using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SetHub.Core.Events;

/// <summary>
/// The <c>jti</c>s of published SETs, derived from the publish and the stream rather than drawn at random: a publish
/// retried after a failure (same <c>txn</c>, same event) lands on the SETs the first attempt may have queued, and a
/// stream's log, unique on <c>jti</c>, keeps one of each. Distinct events never share a <c>jti</c>: the derivation
/// covers the tenant, the <c>txn</c>, the event type, the subject, the payload and <c>toe</c>.
/// </summary>
public static class PublishedSetIds
{
    /// <summary>A digest of one publish: everything that makes an event itself.</summary>
    public static byte[] Fingerprint(string tenantId, PublishRequest request, string transaction)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = string.Join('\n', "sethub-publish-v1", tenantId, transaction, request.EventType, request.Subject.CanonicalJson,
            request.PayloadJson, request.TimeOfEvent?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
        return SHA256.HashData(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The <c>jti</c> of the publish's SET for one stream: 128 bits, as 22 base64url characters (RFC 3986
    /// unreserved characters only).</summary>
    public static string For(ReadOnlySpan<byte> fingerprint, string streamId)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        Span<byte> input = stackalloc byte[32 + Encoding.UTF8.GetMaxByteCount(streamId.Length)];
        fingerprint.CopyTo(input);
        var length = 32 + Encoding.UTF8.GetBytes(streamId, input[32..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input[..length], hash);
        return Base64Url.EncodeToString(hash[..16]);
    }
}
