using System.Buffers.Binary;
using LoadBalancer.Dataplane.Xdp;

namespace LoadBalancer.Dataplane.Tests.Xdp;

/// <summary>The committed clang-14 objects run through the runner with real packets.</summary>
public sealed class CompiledXdpProgramTests
{
    [Fact]
    public void Port_filter_drops_blocked_ports_counts_them_and_passes_the_rest()
    {
        using var loaded = TestObjects.Load("parser");
        var blocked = loaded.GetMap("blocked_ports");
        blocked.Update<ushort, ulong>(53, 0);
        blocked.Update<ushort, ulong>(22, 100);
        using var runner = XdpProgramRunner.Create(loaded, "xdp_port_filter");

        var dns = Packets.Udp(40000, 53);
        Assert.Equal(XdpAction.Drop, runner.Run(dns).Action);
        Assert.Equal(dns, runner.Buffer.Data.ToArray());
        Assert.Equal(XdpAction.Drop, runner.Run(Packets.Tcp(40000, 22)).Action);
        Assert.Equal(XdpAction.Drop, runner.Run(Packets.Udp(1, 53)).Action);
        Assert.Equal(XdpAction.Pass, runner.Run(Packets.Udp(53, 54)).Action);
        Assert.Equal(XdpAction.Pass, runner.Run(Packets.Tcp(53, 80)).Action);
        Assert.Equal(XdpAction.Pass, runner.Run(Packets.Icmp()).Action);
        Assert.Equal(XdpAction.Pass, runner.Run(Packets.Ipv6Udp(1, 53)).Action);

        Assert.Equal(2ul, blocked.Lookup<ushort, ulong>(53));
        Assert.Equal(101ul, blocked.Lookup<ushort, ulong>(22));
    }

    [Theory]
    [InlineData(13)]  // Ethernet header cut
    [InlineData(33)]  // IPv4 header cut
    [InlineData(41)]  // UDP header cut
    public void Port_filter_drops_truncated_headers(int length)
    {
        using var loaded = TestObjects.Load("parser");
        using var runner = XdpProgramRunner.Create(loaded, "xdp");

        var result = runner.Run(Packets.Udp(1, 80).AsSpan(0, length));

        Assert.Equal(XdpAction.Drop, result.Action);
        Assert.False(result.Faulted);
    }

    [Fact]
    public void Ipip_encap_prepends_an_outer_header_with_the_configured_addresses()
    {
        using var loaded = TestObjects.Load("encap", o => o.SetGlobal("outer_src", 0xc0a80001u).SetGlobal("outer_dst", 0xc0a80002u));
        using var runner = XdpProgramRunner.Create(loaded, "xdp_ipip_encap");
        var inner = Packets.Tcp(40000, 443, payloadLength: 10);

        var result = runner.Run(inner);

        Assert.Equal(XdpAction.Tx, result.Action);
        Assert.Equal(XdpBuffer.Headroom - 20, result.DataOffset);
        Assert.Equal(ExpectedIpip(inner, [192, 168, 0, 1], [192, 168, 0, 2]), runner.Buffer.Data.ToArray());
    }

    [Fact]
    public void Ipip_encap_uses_the_compiled_defaults()
    {
        using var loaded = TestObjects.Load("encap");
        using var runner = XdpProgramRunner.Create(loaded, "xdp");
        var inner = Packets.Udp(5000, 6000);

        runner.Run(inner);

        Assert.Equal(ExpectedIpip(inner, [10, 0, 0, 1], [10, 0, 0, 2]), runner.Buffer.Data.ToArray());
    }

    [Fact]
    public void Ipip_encap_of_a_runt_drops_after_growing_the_head()
    {
        using var loaded = TestObjects.Load("encap");
        using var runner = XdpProgramRunner.Create(loaded, "xdp");

        var result = runner.Run(Packets.Udp(5000, 6000).AsSpan(0, 30));

        Assert.Equal(XdpAction.Drop, result.Action);
        Assert.Equal(50, result.DataLength);
    }

    /// <summary>The IPIP packet built independently of the program: Ethernet copied, outer IPv4 header, the inner IP packet.</summary>
    internal static byte[] ExpectedIpip(byte[] frame, byte[] source, byte[] destination)
    {
        var innerIp = frame.AsSpan(14);
        var outer = new byte[20];
        outer[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(outer.AsSpan(2), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(innerIp[2..]) + 20));
        outer[8] = 64;
        outer[9] = 4; // IPPROTO_IPIP
        source.CopyTo(outer, 12);
        destination.CopyTo(outer, 16);
        return [.. frame.AsSpan(0, 14), .. outer, .. innerIp];
    }
}
