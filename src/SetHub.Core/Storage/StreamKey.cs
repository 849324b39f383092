namespace SetHub.Core.Storage;

/// <summary>Names one stream of one tenant: the key of its log, its head and its grain.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="StreamId">The stream.</param>
public readonly record struct StreamKey(string TenantId, string StreamId)
{
    /// <summary>The separator of the string form; neither tenant ids nor stream ids contain it.</summary>
    public const char Separator = '/';

    /// <summary>Parses the string form <c>{tenant}/{stream}</c>.</summary>
    public static StreamKey Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var separator = value.IndexOf(Separator, StringComparison.Ordinal);
        if (separator <= 0 || separator == value.Length - 1)
        {
            throw new FormatException($"'{value}' is not a stream key (tenant/stream).");
        }

        return new StreamKey(value[..separator], value[(separator + 1)..]);
    }

    /// <summary>The string form <c>{tenant}/{stream}</c>.</summary>
    public override string ToString() => string.Concat(TenantId, "/", StreamId);
}
