namespace SetHub.Core.Delivery;

/// <summary>RFC 8936 poll delivery settings (<c>SetHub:Poll</c>).</summary>
public sealed class PollOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SetHub:Poll";

    /// <summary>How long a long poll (<c>returnImmediately</c> false) waits before answering with no SETs
    /// (RFC 8936 §2.2 leaves it to agreement). Default: 30 seconds.</summary>
    public TimeSpan LongPollTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a polled SET stays in flight before it is returned again when not acknowledged
    /// (RFC 8936 §2.4). Default: 1 minute.</summary>
    public TimeSpan RedeliveryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most SETs one poll response carries, whatever <c>maxEvents</c> asks; <c>moreAvailable</c> tells
    /// the receiver to poll again. Default: 1000.</summary>
    public int MaxEventsPerResponse { get; set; } = 1000;

    /// <summary>How often a waiting long poll looks in the store on its own, with a little jitter: notifications are
    /// hints, and this catches SETs that became due again (redelivery) or whose notification from another node was lost.
    /// The look is a read; only when something is due does the poll take it. Default: 5 seconds.</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}
