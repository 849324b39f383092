using System.Globalization;

namespace SetHub.Storage.Relational.Providers;

/// <summary>The providers' ETags: a row's version number as an invariant decimal string.</summary>
internal static class VersionETag
{
    public static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads an ETag this provider issued; anything else (another provider's ETag) is not a version.</summary>
    public static bool TryParse(string? etag, out long version) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out version);
}
