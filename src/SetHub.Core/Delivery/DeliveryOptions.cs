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

    /// <summary>How long one push request may take before it counts as a timeout. Default: 10 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many streams one node pushes to at the same time. Default: 64.</summary>
    public int MaxConcurrentStreams { get; set; } = 64;

    /// <summary>How many SETs of one stream are sent, in order, per claim of the stream. Default: 20.</summary>
    public int StreamBatchSize { get; set; } = 20;

    /// <summary>How long one claim of a stream may keep sending before it hands the stream back, so streams that are
    /// slow to answer take turns with the others instead of holding a delivery slot for a whole batch. Default: 1 second.</summary>
    public TimeSpan StreamTimeSlice { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a node owns a claimed stream; if it dies, another node takes the stream over after this. A push
    /// starts only while at least twice <see cref="RequestTimeout"/> of the lease is left, so it must exceed three times
    /// <see cref="RequestTimeout"/>. Default: 5 minutes.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle node looks for due work it was not told about. Default: 5 seconds.</summary>
    public TimeSpan IdleRecheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often upkeep runs: dead-lettering SETs older than <see cref="MaxDeliveryAge"/>, pausing streams
    /// past their inactivity timeout. Default: 10 seconds.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(10);
}
