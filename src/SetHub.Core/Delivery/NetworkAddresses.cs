using System.Net;
using System.Net.Sockets;

namespace SetHub.Core.Delivery;

/// <summary>
/// Which addresses a push may reach. Push endpoints are receiver-supplied URLs, so without this check a receiver
/// could make the hub send requests into its own network (server-side request forgery).
/// </summary>
public static class NetworkAddresses
{
    // IANA special-purpose IPv4 blocks that are not globally reachable (RFC 6890 and successors).
    private static readonly (uint Network, int Prefix)[] NonPublicIpv4 =
    [
        (Ipv4(0, 0, 0, 0), 8),        // "this network"
        (Ipv4(10, 0, 0, 0), 8),       // private
        (Ipv4(100, 64, 0, 0), 10),    // carrier-grade NAT
        (Ipv4(127, 0, 0, 0), 8),      // loopback
        (Ipv4(169, 254, 0, 0), 16),   // link-local (cloud metadata services live here)
        (Ipv4(172, 16, 0, 0), 12),    // private
        (Ipv4(192, 0, 0, 0), 24),     // IETF protocol assignments
        (Ipv4(192, 0, 2, 0), 24),     // documentation
        (Ipv4(192, 168, 0, 0), 16),   // private
        (Ipv4(198, 18, 0, 0), 15),    // benchmarking
        (Ipv4(198, 51, 100, 0), 24),  // documentation
        (Ipv4(203, 0, 113, 0), 24),   // documentation
        (Ipv4(224, 0, 0, 0), 4),      // multicast
        (Ipv4(240, 0, 0, 0), 4),      // reserved, broadcast
    ];

    /// <summary>Whether <paramref name="address"/> is a globally reachable unicast address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> bytes = stackalloc byte[4];
            address.TryWriteBytes(bytes, out _);
            var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            foreach (var (network, prefix) in NonPublicIpv4)
            {
                if ((value & (uint.MaxValue << (32 - prefix))) == network)
                {
                    return false;
                }
            }

            return true;
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6Any.Equals(address) ||
            address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal)
        {
            return false;
        }

        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);

        // Prefixes that carry an IPv4 address inside: judge the address they lead to.
        if (v6[..12].SequenceEqual(Nat64Prefix) || (v6[..12].IndexOfAnyExcept((byte)0) < 0))
        {
            return IsPublic(new IPAddress(v6[12..])); // NAT64 64:ff9b::/96, IPv4-compatible ::/96
        }

        if (v6[0] == 0x20 && v6[1] == 0x02)
        {
            return IsPublic(new IPAddress(v6[2..6])); // 6to4 2002::/16
        }

        return !(
            (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0d && v6[3] == 0xb8) ||      // 2001:db8::/32 documentation
            (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x00 && v6[3] == 0x00) ||      // 2001::/32 Teredo
            (v6[..6].SequenceEqual(LocalNat64Prefix)) ||                              // 64:ff9b:1::/48 local NAT64
            (v6[..8].SequenceEqual(DiscardPrefix)));                                   // 100::/64 discard
    }

    private static ReadOnlySpan<byte> Nat64Prefix => [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

    private static ReadOnlySpan<byte> LocalNat64Prefix => [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01];

    private static ReadOnlySpan<byte> DiscardPrefix => [0x01, 0x00, 0, 0, 0, 0, 0, 0];

    private static uint Ipv4(byte a, byte b, byte c, byte d) => (uint)(a << 24 | b << 16 | c << 8 | d);
}
