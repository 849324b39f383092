namespace SetHub.Grains.Streams;

/// <summary>A stream grain's persisted state. Small and constant-size: its SETs live in the SET log, its subjects
/// in subject rows.</summary>
[GenerateSerializer, Alias("SetHub.StreamState")]
public sealed class StreamState
{
    /// <summary>The configuration, with <see cref="StreamData.AuthorizationHeader"/> always <see langword="null"/>;
    /// <see langword="null"/> when there is no stream.</summary>
    [Id(0)]
    public StreamData? Config { get; set; }

    /// <summary>The push <c>authorization_header</c>, encrypted under the master key for this stream.</summary>
    [Id(1)]
    public byte[]? ProtectedAuthorizationHeader { get; set; }

    /// <summary>The last receiver activity written (SSF 1.0 §8.1.1 <c>inactivity_timeout</c>), at most once per tenth
    /// of the timeout.</summary>
    [Id(2)]
    public DateTimeOffset? LastActivityAt { get; set; }

    /// <summary>When the receiver last had a verification queued (SSF 1.0 §8.1.1 <c>min_verification_interval</c>).</summary>
    [Id(3)]
    public DateTimeOffset? LastVerificationAt { get; set; }
}
