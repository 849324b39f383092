using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using SetHub.Core.Delivery;
using SetHub.Core.Results;
using SetHub.Core.Streams;

namespace SetHub.Delivery;

/// <summary>
/// Push endpoints must be https and resolve only to public addresses, unless
/// <see cref="DeliveryOptions.AllowPrivateEndpoints"/> is set. Checked at create and update; the transport checks the
/// address again at every connection, so a DNS answer that changes later (rebinding) cannot slip through.
/// </summary>
internal sealed class PushEndpointPolicy(IOptions<DeliveryOptions> options) : IPushEndpointPolicy
{
    public async Task<OperationError?> CheckAsync(string endpointUrl, CancellationToken cancellationToken)
    {
        if (options.Value.AllowPrivateEndpoints)
        {
            return null;
        }

        var uri = new Uri(endpointUrl);
        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            return OperationError.Invalid("'delivery.endpoint_url' must use https (RFC 8935 §3).");
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.IdnHost, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(uri.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            return OperationError.Invalid($"The host of 'delivery.endpoint_url' ({uri.Host}) does not resolve.");
        }

        return addresses.Length > 0 && addresses.All(NetworkAddresses.IsPublic)
            ? null
            : OperationError.Invalid("'delivery.endpoint_url' must resolve to public addresses only, not loopback, private or link-local ones.");
    }
}
