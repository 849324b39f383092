namespace SetHub.Core.Streams;

/// <summary>Hub defaults for new streams (<c>SetHub:Streams</c>); a tenant may override each.</summary>
public sealed class StreamOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SetHub:Streams";

    /// <summary>SSF 1.0 §8.1.1 <c>inactivity_timeout</c>: a stream whose receiver shows no activity for this long is
    /// paused, with a stream-updated SET. Default: none (streams never time out).</summary>
    public TimeSpan? InactivityTimeout { get; set; }

    /// <summary>SSF 1.0 §8.1.1 <c>min_verification_interval</c>: receiver-requested verifications closer together get
    /// 429. Zero turns the limit off. Default: 15 seconds.</summary>
    public TimeSpan MinVerificationInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often each stream's reminder wakes it, durably: after a crash or a deactivation, push retries,
    /// MaxDeliveryAge and inactivity resume within this. While a stream is active its own timer is exact. Default: 1 minute.</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
