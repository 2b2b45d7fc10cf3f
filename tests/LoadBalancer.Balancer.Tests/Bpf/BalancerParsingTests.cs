using System.Buffers.Binary;
using System.Net;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerHarness;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerLayout;
using static LoadBalancer.Balancer.Tests.Bpf.FrameEdits;
using static LoadBalancer.Balancer.Tests.Bpf.Frames;

namespace LoadBalancer.Balancer.Tests.Bpf;

public class BalancerParsingTests
{
    /// <summary>The engine the fixtures run in; the OnRuntime subclass runs every fixture in the project's runtime.</summary>
    protected virtual BpfEngine Engine => BpfEngine.Kernel;

    private static readonly IPAddress Vip4 = Ip("10.0.0.40");
    private static readonly IPAddress Vip6 = Ip("2001:db8::40");
    private static readonly IPAddress Client4 = Ip("198.51.100.40");
    private static readonly IPAddress Client6 = Ip("2001:db8:ffff::40");
    private static readonly IPAddress[] Reals4 = [Ip("192.168.4.1"), Ip("192.168.4.2"), Ip("192.168.4.3")];

    [Theory]
    [InlineData("vlan", DropVlanTruncated)]
    [InlineData("ipv4-header", DropIpv4Truncated)]
    [InlineData("ipv4-options", DropIpv4Truncated)]
    [InlineData("ipv4-ihl", DropIpv4Malformed)]
    [InlineData("ipv4-version", DropIpv4Malformed)]
    [InlineData("ipv4-total-length", DropIpv4Malformed)]
    [InlineData("ipv6-header", DropIpv6Truncated)]
    [InlineData("ipv6-version", DropIpv6Malformed)]
    [InlineData("ipv6-extension", DropIpv6ExtTruncated)]
    [InlineData("ipv6-fragment-header", DropIpv6ExtTruncated)]
    [InlineData("ipv6-extension-limit", DropIpv6ExtLimit)]
    [InlineData("tcp4", DropTcpTruncated)]
    [InlineData("tcp6", DropTcpTruncated)]
    [InlineData("tcp-data-offset", DropTcpMalformed)]
    [InlineData("udp4", DropUdpTruncated)]
    [InlineData("udp6", DropUdpTruncated)]
    [InlineData("icmp4", DropIcmpTruncated)]
    [InlineData("icmp6", DropIcmp6Truncated)]
    [InlineData("icmp4-quoted-packet", DropIcmpTruncated)]
    [InlineData("icmp6-quoted-packet", DropIcmp6Truncated)]
    public void Malformed_or_truncated_packet_is_dropped_and_counted_by_reason(string kind, int reason)
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var frame = Malformed(kind);

        var (action, _) = s.Lb.Run(frame);

        Assert.Equal(XdpDrop, action);
        var bytes = (ulong)frame.Length;
        Assert.Equal(
            new Dictionary<int, (ulong, ulong)>
            {
                [StatsDropBase + reason] = (1, bytes),
                [StatsActionBase + (int)XdpDrop] = (1, bytes),
            },
            s.Lb.Stats());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void First_fragment_to_a_vip_is_dropped_as_unbalanceable(bool v6)
    {
        using var s = new Scenario(Engine, v6 ? Vip6 : Vip4, 80, 6, 0, Reals4);
        var frame = v6 ? Ipv6Fragment(Tcp(Client6, Vip6, 1, 80, true, false), 0, more: true) : Ipv4Fragment(Tcp(Client4, Vip4, 1, 80, true, false), 0, more: true);

        var (action, _) = s.Lb.Run(frame);

        Assert.Equal(XdpDrop, action);
        var bytes = (ulong)frame.Length;
        Assert.Equal(
            new Dictionary<int, (ulong, ulong)>
            {
                [StatsDropBase + DropFragment] = (1, bytes),
                [StatsActionBase + (int)XdpDrop] = (1, bytes),
            },
            s.Lb.Stats());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Later_fragment_passes_to_the_kernel_and_is_counted(bool v6)
    {
        using var s = new Scenario(Engine, v6 ? Vip6 : Vip4, 80, 6, 0, Reals4);
        var frame = v6 ? Ipv6Fragment(Udp(Client6, Vip6, 1, 80), 185, more: false) : Ipv4Fragment(Udp(Client4, Vip4, 1, 80), 185, more: false);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpPass, action);
        Assert.Equal(frame, output);
        Assert.Equal(1ul, s.Lb.Stats()[StatsEventBase + EventFragmentPassed].Packets);
    }

    [Fact]
    public void First_fragment_to_an_address_that_is_no_vip_passes()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var frame = Ipv4Fragment(Tcp(Client4, Ip("10.0.0.41"), 1, 80, true, false), 0, more: true);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpPass, action);
        Assert.Equal(frame, output);
    }

    private static byte[] Malformed(string kind) => FrameEdits.Malformed(kind, Client4, Vip4, Client6, Vip6);
}
