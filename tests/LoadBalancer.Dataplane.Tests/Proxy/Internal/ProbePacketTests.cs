using System.Net;
using LoadBalancer.Dataplane.Proxy.Internal;
using PacketDotNet;

namespace LoadBalancer.Dataplane.Tests.Proxy.Internal;

public sealed class ProbePacketTests
{
    [Theory]
    [InlineData("10.1.2.3", "192.0.2.10")]
    [InlineData("2001:db8::5", "2001:db8:1::80")]
    public void A_syn_frame_parses_with_valid_checksums_and_the_flow_addresses(string client, string vip)
    {
        var frame = new byte[ProbePacket.MaxTcpSynLength];
        var length = ProbePacket.WriteTcpSyn(frame, PacketAddress.From(IPAddress.Parse(client)), 40000, PacketAddress.From(IPAddress.Parse(vip)), 443, 0x12345678);

        var ethernet = new EthernetPacket(new PacketDotNet.Utils.ByteArraySegment(frame[..length]));
        var ip = Assert.IsAssignableFrom<IPPacket>(ethernet.PayloadPacket);
        Assert.Equal(IPAddress.Parse(client), ip.SourceAddress);
        Assert.Equal(IPAddress.Parse(vip), ip.DestinationAddress);
        if (ip is IPv4Packet v4)
        {
            Assert.True(v4.ValidIPChecksum);
            Assert.Equal(length - 14, v4.TotalLength);
        }

        var tcp = Assert.IsType<TcpPacket>(ip.PayloadPacket);
        Assert.True(tcp.Synchronize);
        Assert.False(tcp.Acknowledgment);
        Assert.Equal(40000, tcp.SourcePort);
        Assert.Equal(443, tcp.DestinationPort);
        Assert.Equal(0x12345678u, tcp.SequenceNumber);
        Assert.True(tcp.ValidTcpChecksum);
    }

    [Theory]
    [InlineData("10.1.2.3", "192.0.2.10", 0)]
    [InlineData("10.1.2.3", "192.0.2.10", 1473)]
    [InlineData("2001:db8::5", "2001:db8:1::80", 7)]
    [InlineData("2001:db8::5", "2001:db8:1::80", 9000)]
    public void A_udp_frame_wraps_the_payload_in_place_with_valid_checksums(string client, string vip, int payloadLength)
    {
        var clientAddress = PacketAddress.From(IPAddress.Parse(client));
        var header = ProbePacket.UdpHeaderLength(clientAddress.IsV6);
        var frame = new byte[header + payloadLength];
        var payload = Packets.Payload(payloadLength);
        payload.CopyTo(frame, header);
        ProbePacket.WriteUdpHeaders(frame, clientAddress, 5353, PacketAddress.From(IPAddress.Parse(vip)), 53);

        var ethernet = new EthernetPacket(new PacketDotNet.Utils.ByteArraySegment(frame));
        var ip = Assert.IsAssignableFrom<IPPacket>(ethernet.PayloadPacket);
        Assert.Equal(IPAddress.Parse(client), ip.SourceAddress);
        Assert.Equal(IPAddress.Parse(vip), ip.DestinationAddress);
        if (ip is IPv4Packet v4)
        {
            Assert.True(v4.ValidIPChecksum);
        }

        var udp = Assert.IsType<UdpPacket>(ip.PayloadPacket);
        Assert.Equal(5353, udp.SourcePort);
        Assert.Equal(53, udp.DestinationPort);
        Assert.Equal(8 + payloadLength, udp.Length);
        Assert.True(udp.ValidUdpChecksum);
        Assert.NotEqual(0, udp.Checksum);
        Assert.Equal(payload, udp.PayloadData ?? []);
    }
}
