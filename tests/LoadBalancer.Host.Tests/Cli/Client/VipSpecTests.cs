using LoadBalancer.Host.Cli.Client;

namespace LoadBalancer.Host.Tests.Cli.Client;

public sealed class VipSpecTests
{
    [Theory]
    [InlineData("10.0.0.10", 80, null, "10.0.0.10", 80u, "tcp")]
    [InlineData("10.0.0.10:80", null, null, "10.0.0.10", 80u, "tcp")]
    [InlineData("10.0.0.10:53/udp", null, null, "10.0.0.10", 53u, "udp")]
    [InlineData("10.0.0.10:53/udp", 54, "tcp", "10.0.0.10", 54u, "tcp")]
    [InlineData("[fd00::10]:443/UDP", null, null, "fd00::10", 443u, "udp")]
    [InlineData("fd00::10", 0, "132", "fd00::10", 0u, "132")]
    [InlineData("10.0.0.10/icmp", 0, null, "10.0.0.10", 0u, "icmp")]
    public void Address_port_and_protocol_combine_with_the_options(string text, int? port, string? protocol, string address, uint expectedPort, string expectedProtocol)
    {
        Assert.Equal(new VipSpec(address, expectedPort, expectedProtocol), VipSpec.Parse(text, port, protocol));
    }

    [Theory]
    [InlineData("10.0.0.10", null, null, "no port")]
    [InlineData("10.0.0.10:http", null, null, "'http' is not a port")]
    [InlineData("10.0.0.10", 65536, null, "--port: 65536")]
    [InlineData("10.0.0.10:80/sctpx", null, null, "protocol 'sctpx'")]
    [InlineData("web:80", null, null, "'web' is not an IPv4 or IPv6 address")]
    public void Malformed_vip_is_a_usage_error_saying_what_is_wrong(string text, int? port, string? protocol, string expected)
    {
        var error = Assert.Throws<ClientUsageException>(() => VipSpec.Parse(text, port, protocol));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
