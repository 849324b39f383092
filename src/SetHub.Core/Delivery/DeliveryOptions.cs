namespace SetHub.Core.Delivery;

/// <summary>Push delivery settings (<c>SetHub:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SetHub:Delivery";

    /// <summary>Allow push <c>endpoint_url</c>s on loopback, private or link-local addresses and over plain http.
    /// For development and tests only. Default: false.</summary>
    public bool AllowPrivateEndpoints { get; set; }

    /// <summary>The first retry delay; later ones double, with jitter, up to <see cref="MaxRetryDelay"/>.
    /// Default: 2 seconds.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The cap on one retry delay. Default: 10 minutes.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A SET not delivered (pushed and accepted, or polled and acknowledged) this long after it was queued
    /// is dead-lettered with its last error. Default: 3 days.</summary>
    public TimeSpan MaxDeliveryAge { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How long a delivered (or acknowledged) SET stays findable by the event trace
    /// (<c>GET /admin/tenants/{id}/events/{txn}</c> and <c>…/sets/{jti}</c>), and how long a publish retried with the same
    /// <c>txn</c> keeps finding it instead of queueing it again. 0 forgets delivered SETs at once. Default: 24 hours.</summary>
    public TimeSpan TraceRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long one push request may take before it counts as a timeout. Default: 10 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many push requests one node has out at the same time, over all its streams (each stream has at
    /// most one). Default: 256.</summary>
    public int MaxConcurrentPushes { get; set; } = 256;

    /// <summary>How many delivery outcomes of one stream may be known but not yet recorded while its next push goes
    /// out: after a crash, at most this many SETs per stream are sent again. Default: 20.</summary>
    public int StreamBatchSize { get; set; } = 20;

    /// <summary>How many queued SETs a stream keeps in memory; a longer backlog waits in the log and is read as the
    /// stream drains. Default: 512.</summary>
    public int StreamWindow { get; set; } = 512;
}
