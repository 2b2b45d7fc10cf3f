using System.Net;
using LoadBalancer.Host.Serve;

namespace LoadBalancer.Host.Tests.Serve;

public sealed class AdminListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:9180", "127.0.0.1", 9180)]
    [InlineData("0.0.0.0:1", "0.0.0.0", 1)]
    [InlineData("[::1]:9180", "::1", 9180)]
    [InlineData("[fd00::10]:65535", "fd00::10", 65535)]
    public void Ipv4_and_bracketed_ipv6_addresses_with_a_port_are_accepted(string text, string address, int port)
    {
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), AdminListenAddress.Parse(text));
    }

    [Theory]
    [InlineData("127.0.0.1", "the port is missing")]
    [InlineData("::1:9180", "write an IPv6 address in brackets")]
    [InlineData("[::1]9180", "must be followed by :port")]
    [InlineData("[127.0.0.1]:80", "is not an IP address")]
    [InlineData("localhost:9180", "'localhost' is not an IP address")]
    [InlineData("127.0.0.1:0", "'0' is not a port 1..65535")]
    [InlineData("127.0.0.1:70000", "'70000' is not a port")]
    [InlineData("127.0.0.1:-1", "'-1' is not a port")]
    public void Anything_else_is_rejected_with_the_reason_and_the_accepted_forms(string text, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => AdminListenAddress.Parse(text));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("[<ipv6>]:<port>", error.Message, StringComparison.Ordinal);
    }
}
