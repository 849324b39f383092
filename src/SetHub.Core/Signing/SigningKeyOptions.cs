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

    /// <summary>
    /// How long a node keeps using the active key it loaded before asking the store again. After a rotation on
    /// another node, this node signs with the previous key for at most this long, which is harmless: that key is
    /// still published. Default: 30 seconds.
    /// </summary>
    public TimeSpan ActiveKeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}
