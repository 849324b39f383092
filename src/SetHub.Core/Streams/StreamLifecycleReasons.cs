namespace SetHub.Core.Streams;

/// <summary>The <c>reason</c>s SetHub gives when it changes a stream's status on its own (SSF 1.0 §8.1.5).</summary>
public static class StreamLifecycleReasons
{
    /// <summary>SetHub paused a stream whose receiver went quiet (SSF 1.0 §8.1.1 <c>inactivity_timeout</c>).</summary>
    public const string InactivityTimeout = "inactivity_timeout";
}
