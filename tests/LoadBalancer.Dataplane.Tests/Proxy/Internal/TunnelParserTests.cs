using System.Buffers.Binary;
using System.Net;
using LoadBalancer.Dataplane.Proxy.Internal;

namespace LoadBalancer.Dataplane.Tests.Proxy.Internal;

public sealed class TunnelParserTests
{
    [Fact]
    public void An_ipip_frame_names_its_outer_destination_and_inner_packet()
    {
        var frame = Outer4(protocol: 4, inner: Inner4());
        Assert.True(TunnelParser.TryParse(frame, out var tunnel));
        Assert.Equal(IPAddress.Parse("10.9.8.7"), tunnel.Real.ToIPAddress());
        Assert.False(tunnel.IsGue);
        Assert.Equal(34, tunnel.InnerOffset);
        Assert.Equal(frame.Length - 34, tunnel.InnerLength);
    }

    [Fact]
    public void A_gue_frame_behind_a_vlan_tag_gives_the_udp_port_and_skips_the_udp_header()
    {
        var udp = new byte[8 + Inner4().Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), 6081);
        Inner4().CopyTo(udp, 8);
        var plain = Outer4(protocol: 17, inner: udp);
        var frame = new byte[plain.Length + 4];
        plain.AsSpan(0, 12).CopyTo(frame);
        frame[12] = 0x81;
        frame[13] = 0x00;
        frame[15] = 42;
        plain.AsSpan(12).CopyTo(frame.AsSpan(16));

        Assert.True(TunnelParser.TryParse(frame, out var tunnel));
        Assert.True(tunnel.IsGue);
        Assert.Equal(6081, tunnel.GuePort);
        Assert.Equal(18 + 20 + 8, tunnel.InnerOffset);
    }

    [Fact]
    public void An_ipv6_outer_header_gives_the_ipv6_real()
    {
        var inner = Inner4();
        var frame = new byte[14 + 40 + inner.Length];
        frame[12] = 0x86;
        frame[13] = 0xDD;
        frame[14] = 0x60;
        frame[14 + 6] = 4;
        IPAddress.Parse("fc00::42").GetAddressBytes().CopyTo(frame, 14 + 24);
        inner.CopyTo(frame, 54);

        Assert.True(TunnelParser.TryParse(frame, out var tunnel));
        Assert.Equal(IPAddress.Parse("fc00::42"), tunnel.Real.ToIPAddress());
        Assert.Equal(54, tunnel.InnerOffset);
    }

    [Fact]
    public void Frames_that_are_not_tunnels_or_are_cut_short_are_rejected()
    {
        var good = Outer4(protocol: 4, inner: Inner4());
        for (var length = 0; length < 35; length++)
        {
            Assert.False(TunnelParser.TryParse(good.AsSpan(0, length), out _), $"{length} bytes");
        }

        Assert.False(TunnelParser.TryParse(Outer4(protocol: 6, inner: Inner4()), out _));
        var badInner = Outer4(protocol: 4, inner: Inner4());
        badInner[34] = 0x15;
        Assert.False(TunnelParser.TryParse(badInner, out _));
        var arp = (byte[])good.Clone();
        arp[12] = 0x08;
        arp[13] = 0x06;
        Assert.False(TunnelParser.TryParse(arp, out _));
        var random = new Random(7);
        var garbage = new byte[200];
        for (var i = 0; i < 10_000; i++)
        {
            random.NextBytes(garbage);
            TunnelParser.TryParse(garbage.AsSpan(0, random.Next(garbage.Length)), out _);
        }
    }

    private static byte[] Inner4()
    {
        var inner = new byte[28];
        inner[0] = 0x45;
        return inner;
    }

    private static byte[] Outer4(byte protocol, byte[] inner)
    {
        var frame = new byte[14 + 20 + inner.Length];
        frame[12] = 0x08;
        frame[14] = 0x45;
        frame[14 + 9] = protocol;
        IPAddress.Parse("10.9.8.7").GetAddressBytes().CopyTo(frame, 14 + 16);
        inner.CopyTo(frame, 34);
        return frame;
    }
}
