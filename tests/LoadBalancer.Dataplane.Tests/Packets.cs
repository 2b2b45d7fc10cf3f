using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;

namespace LoadBalancer.Dataplane.Tests;

/// <summary>Real Ethernet frames built with PacketDotNet.</summary>
internal static class Packets
{
    public static readonly PhysicalAddress Source = PhysicalAddress.Parse("02-00-00-00-00-01");
    public static readonly PhysicalAddress Destination = PhysicalAddress.Parse("02-00-00-00-00-02");

    public static byte[] Udp(ushort sourcePort, ushort destinationPort, int payloadLength = 18, string source = "10.1.0.1", string destination = "10.2.0.1") =>
        Ipv4(new UdpPacket(sourcePort, destinationPort) { PayloadData = Payload(payloadLength) }, source, destination);

    public static byte[] Tcp(ushort sourcePort, ushort destinationPort, int payloadLength = 0, bool syn = true, string source = "10.1.0.1", string destination = "10.2.0.1") =>
        Ipv4(new TcpPacket(sourcePort, destinationPort) { Synchronize = syn, WindowSize = 64240, PayloadData = Payload(payloadLength) }, source, destination);

    public static byte[] Icmp(string source = "10.1.0.1", string destination = "10.2.0.1")
    {
        var icmp = new IcmpV4Packet(new PacketDotNet.Utils.ByteArraySegment(new byte[8])) { TypeCode = IcmpV4TypeCode.EchoRequest, Id = 7, Sequence = 1 };
        return Ipv4(icmp, source, destination);
    }

    public static byte[] Ipv6Udp(ushort sourcePort, ushort destinationPort)
    {
        var udp = new UdpPacket(sourcePort, destinationPort) { PayloadData = Payload(8) };
        var ip = new IPv6Packet(IPAddress.Parse("fd00::1"), IPAddress.Parse("fd00::2")) { PayloadPacket = udp, HopLimit = 64 };
        var eth = new EthernetPacket(Source, Destination, EthernetType.IPv6) { PayloadPacket = ip };
        udp.UpdateUdpChecksum();
        return eth.Bytes;
    }

    private static byte[] Ipv4(Packet transport, string source, string destination)
    {
        var ip = new IPv4Packet(IPAddress.Parse(source), IPAddress.Parse(destination)) { PayloadPacket = transport, TimeToLive = 64 };
        var eth = new EthernetPacket(Source, Destination, EthernetType.IPv4) { PayloadPacket = ip };
        ip.UpdateIPChecksum();
        return eth.Bytes;
    }

    public static byte[] Payload(int length)
    {
        var payload = new byte[length];
        for (var i = 0; i < length; i++)
        {
            payload[i] = (byte)(i * 7 + 3);
        }

        return payload;
    }
}
