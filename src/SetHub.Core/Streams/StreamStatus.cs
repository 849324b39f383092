namespace SetHub.Core.Streams;

/// <summary>A stream's status (SSF 1.0 §8.1.2.1).</summary>
public enum StreamStatus
{
    /// <summary>Events are transmitted.</summary>
    Enabled,

    /// <summary>Events are held and transmitted once the stream is enabled again.</summary>
    Paused,

    /// <summary>Events are neither transmitted nor held.</summary>
    Disabled,
}

/// <summary>Conversions between <see cref="StreamStatus"/> and its wire form.</summary>
public static class StreamStatusNames
{
    /// <summary>The wire value (<c>enabled</c>, <c>paused</c>, <c>disabled</c>).</summary>
    public static string ToWire(this StreamStatus status) => status switch
    {
        StreamStatus.Enabled => SsfConstants.StreamStatuses.Enabled,
        StreamStatus.Paused => SsfConstants.StreamStatuses.Paused,
        StreamStatus.Disabled => SsfConstants.StreamStatuses.Disabled,
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Parses a wire value; case-sensitive, as the spec's values are.</summary>
    public static bool TryParse(string? value, out StreamStatus status)
    {
        switch (value)
        {
            case SsfConstants.StreamStatuses.Enabled:
                status = StreamStatus.Enabled;
                return true;
            case SsfConstants.StreamStatuses.Paused:
                status = StreamStatus.Paused;
                return true;
            case SsfConstants.StreamStatuses.Disabled:
                status = StreamStatus.Disabled;
                return true;
            default:
                status = default;
                return false;
        }
    }
}
