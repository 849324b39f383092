using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace SetHub.Configuration;

/// <summary>How this node joins its cluster (<c>SetHub:Cluster</c>): its Orleans silo, and the ids nodes of one
/// cluster share.</summary>
public sealed class ClusterSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SetHub:Cluster";

    /// <summary>The Orleans silo-to-silo port of this node. Default: 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The Orleans client gateway port; 0 opens none (SetHub needs none: its front door is in the silo).
    /// Default: 0.</summary>
    public int GatewayPort { get; set; }

    /// <summary>The IP address other silos reach this one at. Default: loopback for <c>Sqlite</c>, else the first
    /// non-loopback IPv4 address of this host.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>The Orleans cluster id: nodes with the same ids on one store form one cluster. Default: <c>sethub</c>.</summary>
    public string ClusterId { get; set; } = "sethub";

    /// <summary>The Orleans service id; it keys reminders, so keep it across restarts. Default: <c>sethub</c>.</summary>
    public string ServiceId { get; set; } = "sethub";

    /// <summary>The address to advertise: the configured one, or the default for the storage mode.</summary>
    public IPAddress ResolveAdvertisedAddress(StorageProvider provider)
    {
        if (AdvertisedAddress is { } configured)
        {
            return IPAddress.Parse(configured);
        }

        if (provider == StorageProvider.Sqlite)
        {
            return IPAddress.Loopback;
        }

        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
            ?? IPAddress.Loopback;
    }
}
