namespace SetHub.Core.Signing;

/// <summary>Signing key settings (<c>SetHub:Keys</c>).</summary>
public sealed class SigningKeyOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SetHub:Keys";

    /// <summary>
    /// How long a rotated-out key stays in the JWKS, so SETs it signed (queued, or in a receiver's retry loop) still
    /// verify. Keep it longer than <c>SetHub:Delivery:MaxDeliveryAge</c>. Default: 7 days.
    /// </summary>
    public TimeSpan RotationGracePeriod { get; set; } = TimeSpan.FromDays(7);
}
