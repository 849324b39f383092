using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SetHub.Core.Subjects;

/// <summary>Fixed-length keys for storing and indexing subjects: base64url(SHA-256(canonical JSON)).</summary>
public static class SubjectKeys
{
    /// <summary>The identity of a subject row.</summary>
    public static string Key(SubjectIdentifier subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return Hash(subject.CanonicalJson);
    }

    /// <summary>
    /// The index keys of a subject: one per simple identifier it is made of. A stream subject and an event subject
    /// can only match if they share one (see <see cref="SubjectMatcher"/>), so looking these up finds every
    /// candidate without scanning the tenant's streams.
    /// </summary>
    public static IReadOnlyList<string> IndexKeys(SubjectIdentifier subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return subject.SimpleIdentifiers().Select(identifier => Hash(identifier.CanonicalJson)).Distinct(StringComparer.Ordinal).ToArray();
    }

    private static string Hash(string canonicalJson) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));
}
