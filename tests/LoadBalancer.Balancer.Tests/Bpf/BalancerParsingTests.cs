using System.Buffers.Binary;
using System.Net;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerHarness;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerLayout;
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

    private static byte[] Malformed(string kind)
    {
        var tcp4 = Tcp(Client4, Vip4, 1234, 80, true, false);
        var tcp6 = Tcp(Client6, Vip6, 1234, 80, true, false);
        switch (kind)
        {
            case "vlan":
                return WithVlan(tcp4, 1)[..16];
            case "ipv4-header":
                return tcp4[..(14 + 10)];
            case "ipv4-options":
                return BalancerForwardingTests.WithIpv4Options(tcp4, new byte[8])[..(14 + 24)];
            case "ipv4-ihl":
                return Patched(tcp4, 14, 0x44);
            case "ipv4-version":
                return Patched(tcp4, 14, 0x55);
            case "ipv4-total-length":
                return Patched(tcp4, 17, 12);
            case "ipv6-header":
                return tcp6[..(14 + 30)];
            case "ipv6-version":
                return Patched(tcp6, 14, 0x40);
            case "ipv6-extension":
                return BalancerForwardingTests.WithIpv6Extensions(tcp6, [60])[..(14 + 40 + 1)];
            case "ipv6-fragment-header":
                return Ipv6Fragment(tcp6, 0, more: false)[..(14 + 40 + 6)];
            case "ipv6-extension-limit":
                return BalancerForwardingTests.WithIpv6Extensions(tcp6, [60, 60, 60, 60, 60, 60, 60]);
            case "tcp4":
                return tcp4[..(14 + 20 + 12)];
            case "tcp6":
                return tcp6[..(14 + 40 + 19)];
            case "tcp-data-offset":
                return Patched(tcp4, 14 + 20 + 12, 0x40);
            case "udp4":
                return Udp(Client4, Vip4, 1, 53)[..(14 + 20 + 4)];
            case "udp6":
                return Udp(Client6, Vip6, 1, 53)[..(14 + 40 + 7)];
            case "icmp4":
                return EchoRequest(Client4, Vip4)[..(14 + 20 + 4)];
            case "icmp6":
                return EchoRequest(Client6, Vip6)[..(14 + 40 + 2)];
            case "icmp4-quoted-packet":
                return PacketTooBig(Client4, Vip4, 80, Client4, 9)[..(14 + 20 + 8 + 22)];
            case "icmp6-quoted-packet":
                return PacketTooBig(Client6, Vip6, 80, Client6, 9)[..(14 + 40 + 8 + 42)];
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static byte[] Patched(byte[] frame, int offset, byte value)
    {
        var copy = (byte[])frame.Clone();
        copy[offset] = value;
        return copy;
    }

    /// <summary>Marks an IPv4 frame as a fragment (offset in 8-byte units) with a fixed header checksum.</summary>
    private static byte[] Ipv4Fragment(byte[] frame, ushort offset, bool more)
    {
        var copy = (byte[])frame.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(20), (ushort)((more ? 0x2000 : 0) | offset));
        copy[24] = copy[25] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(24), Checksum.Compute(copy.AsSpan(14, 20)));
        return copy;
    }

    /// <summary>Inserts an IPv6 fragment header (offset in 8-byte units) before the transport header.</summary>
    private static byte[] Ipv6Fragment(byte[] frame, ushort offset, bool more)
    {
        var result = new byte[frame.Length + 8];
        frame.AsSpan(0, 54).CopyTo(result);
        result[54] = frame[20];
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(56), (ushort)((offset << 3) | (more ? 1 : 0)));
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(58), 0xabcdef);
        frame.AsSpan(54).CopyTo(result.AsSpan(62));
        result[20] = 44;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(18), (ushort)(result.Length - 54));
        return result;
    }
}
