using System.Net;
using SetHub.Core.Delivery;

namespace SetHub.Core.Tests.Delivery;

public sealed class NetworkAddressesTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("198.51.100.7", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("93.184.216.34", true)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("64:ff9b::a9fe:a9fe", false)]   // NAT64 to 169.254.169.254
    [InlineData("64:ff9b::808:808", true)]      // NAT64 to 8.8.8.8
    [InlineData("64:ff9b:1::1", false)]         // local-use NAT64
    [InlineData("2002:0a00:0001::1", false)]    // 6to4 around 10.0.0.1
    [InlineData("2002:0808:0808::1", true)]     // 6to4 around 8.8.8.8
    [InlineData("2001:0:4136:e378::1", false)]  // Teredo
    [InlineData("::7f00:1", false)]             // IPv4-compatible 127.0.0.1
    [InlineData("100::1", false)]               // discard-only
    public void IsPublic_RefusesInternalAddresses(string address, bool expected)
    {
        Assert.Equal(expected, NetworkAddresses.IsPublic(IPAddress.Parse(address)));
    }
}
