using System.Net;
using Microsoft.Extensions.Options;

namespace SetHub.Configuration;

/// <summary>Checks <see cref="ClusterSettings"/> at start, so a bad value stops the node with a message naming the key.</summary>
internal sealed class ClusterSettingsValidator : IValidateOptions<ClusterSettings>
{
    public ValidateOptionsResult Validate(string? name, ClusterSettings options)
    {
        var failures = new List<string>();
        if (options.SiloPort is < 1 or > 65535)
        {
            failures.Add("SetHub:Cluster:SiloPort must be a port number (1-65535).");
        }

        if (options.GatewayPort is < 0 or > 65535)
        {
            failures.Add("SetHub:Cluster:GatewayPort must be a port number, or 0 for none.");
        }

        if (options.AdvertisedAddress is { } address && !IPAddress.TryParse(address, out _))
        {
            failures.Add("SetHub:Cluster:AdvertisedAddress must be an IP address.");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add("SetHub:Cluster:ClusterId and SetHub:Cluster:ServiceId must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
