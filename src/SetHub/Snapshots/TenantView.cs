using SetHub.Core.Signing;
using SetHub.Core.Tenants;
using SetHub.Grains.Tenants;

namespace SetHub.Snapshots;

/// <summary>
/// A silo's compiled view of one tenant snapshot: settings, credential lookups and the signing keys. Immutable: a new
/// snapshot makes a new view.
/// </summary>
internal sealed class TenantView
{
    private readonly Dictionary<string, string> _receiversByTokenHash;
    private readonly HashSet<string> _receivers;

    public TenantView(TenantSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Tenant = snapshot.Tenant.ToTenant();
        TokenHash = snapshot.TokenHash;
        _receiversByTokenHash = snapshot.Receivers.ToDictionary(receiver => receiver.TokenHash, receiver => receiver.ReceiverId, StringComparer.Ordinal);
        _receivers = [.. snapshot.Receivers.Select(receiver => receiver.ReceiverId)];
        Keys = [.. snapshot.Keys.Select(key => key.ToRecord(snapshot.Tenant.TenantId))];
    }

    /// <summary>The tenant's settings.</summary>
    public Tenant Tenant { get; }

    /// <summary>The tenant token's hash.</summary>
    public string TokenHash { get; }

    /// <summary>The published keys (the active ones with their encrypted private keys).</summary>
    public IReadOnlyList<SigningKeyRecord> Keys { get; }

    /// <summary>The receiver whose token has this hash, if it is active.</summary>
    public string? FindReceiver(string tokenHash) => _receiversByTokenHash.GetValueOrDefault(tokenHash);

    /// <summary>Whether a receiver is active.</summary>
    public bool HasReceiver(string receiverId) => _receivers.Contains(receiverId);
}
