using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using AddressFamily = System.Net.Sockets.AddressFamily;
using PacketDotNet;
using PacketDotNet.Utils;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Test packets built with PacketDotNet (and raw bytes where PacketDotNet has no builder).</summary>
internal static class Frames
{
    public static readonly PhysicalAddress ClientMac = PhysicalAddress.Parse("02-00-00-00-00-01");
    public static readonly PhysicalAddress LbMac = PhysicalAddress.Parse("02-00-00-00-00-02");

    public static IPAddress Ip(string text) => IPAddress.Parse(text);

    public static bool IsV6(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>An IPv4 or IPv6 packet (no Ethernet) carrying <paramref name="payload"/>.</summary>
    public static IPPacket IpPacket(IPAddress src, IPAddress dst, ProtocolType proto, Packet? payload = null, byte[]? payloadData = null)
    {
        IPPacket ip = IsV6(src)
            ? new IPv6Packet(src, dst) { HopLimit = 60, NextHeader = proto, TrafficClass = 0x28 }
            : new IPv4Packet(src, dst) { TimeToLive = 60, Protocol = proto, TypeOfService = 0x28, Id = 0x1234 };
        if (payload is not null)
        {
            ip.PayloadPacket = payload;
        }
        else if (payloadData is not null)
        {
            ip.PayloadData = payloadData;
        }

        return ip;
    }

    public static byte[] Ethernet(IPPacket ip)
    {
        ip.UpdateCalculatedValues();
        if (ip is IPv4Packet v4)
        {
            v4.UpdateIPChecksum();
        }

        var eth = new EthernetPacket(ClientMac, LbMac, IsV6(ip.SourceAddress) ? EthernetType.IPv6 : EthernetType.IPv4) { PayloadPacket = ip };
        return eth.Bytes;
    }

    public static byte[] Tcp(IPAddress src, IPAddress dst, ushort sport, ushort dport, bool syn, bool ack, byte[]? data = null)
    {
        var tcp = new TcpPacket(sport, dport)
        {
            Synchronize = syn,
            Acknowledgment = ack,
            SequenceNumber = 1000,
            AcknowledgmentNumber = ack ? 2000u : 0u,
            WindowSize = 8192,
            PayloadData = data ?? [],
        };
        var ip = IpPacket(src, dst, ProtocolType.Tcp, tcp);
        ip.UpdateCalculatedValues();
        tcp.UpdateTcpChecksum();
        return Ethernet(ip);
    }

    public static byte[] Udp(IPAddress src, IPAddress dst, ushort sport, ushort dport, byte[]? data = null)
    {
        var udp = new UdpPacket(sport, dport) { PayloadData = data ?? [1, 2, 3, 4, 5, 6, 7, 8] };
        var ip = IpPacket(src, dst, ProtocolType.Udp, udp);
        ip.UpdateCalculatedValues();
        udp.UpdateCalculatedValues();
        udp.UpdateUdpChecksum();
        return Ethernet(ip);
    }

    /// <summary>An ICMP (v4) or ICMPv6 message with a correct checksum.</summary>
    public static byte[] Icmp(IPAddress src, IPAddress dst, byte type, byte code, ReadOnlySpan<byte> rest)
    {
        var message = new byte[4 + rest.Length];
        message[0] = type;
        message[1] = code;
        rest.CopyTo(message.AsSpan(4));
        var v6 = IsV6(src);
        var checksum = v6 ? Checksum.Icmpv6(src, dst, message) : Checksum.Compute(message);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), checksum);
        return Ethernet(IpPacket(src, dst, v6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp, payloadData: message));
    }

    /// <summary>Echo request: identifier 0x77, sequence 1, 16 bytes of data.</summary>
    public static byte[] EchoRequest(IPAddress src, IPAddress dst)
    {
        var rest = new byte[4 + 16];
        rest[1] = 0x77;
        rest[3] = 1;
        for (var i = 4; i < rest.Length; i++)
        {
            rest[i] = (byte)i;
        }

        return Icmp(src, dst, IsV6(src) ? (byte)128 : (byte)8, 0, rest);
    }

    /// <summary>
    /// An ICMP frag-needed (v4, type 3 code 4, MTU 1400) or ICMPv6 packet-too-big (type 2, MTU 1400)
    /// from <paramref name="router"/> to <paramref name="vip"/>, quoting a TCP packet VIP:vport → client:cport.
    /// </summary>
    public static byte[] PacketTooBig(IPAddress router, IPAddress vip, ushort vport, IPAddress client, ushort cport)
    {
        var quotedTcp = new TcpPacket(vport, cport) { Acknowledgment = true, SequenceNumber = 5, WindowSize = 100, PayloadData = new byte[32] };
        var quoted = IpPacket(vip, client, ProtocolType.Tcp, quotedTcp);
        quoted.UpdateCalculatedValues();
        quotedTcp.UpdateTcpChecksum();
        if (quoted is IPv4Packet q4)
        {
            q4.UpdateIPChecksum();
        }

        var quotedBytes = quoted.Bytes;
        var rest = new byte[4 + quotedBytes.Length];
        BinaryPrimitives.WriteUInt16BigEndian(rest.AsSpan(IsV6(vip) ? 2 : 2), 1400);
        quotedBytes.CopyTo(rest, 4);
        return IsV6(vip) ? Icmp(router, vip, 2, 0, rest) : Icmp(router, vip, 3, 4, rest);
    }

    /// <summary>Inserts an 802.1Q tag (TCI <paramref name="tci"/>) after the MAC addresses.</summary>
    public static byte[] WithVlan(byte[] frame, ushort tci)
    {
        var result = new byte[frame.Length + 4];
        frame.AsSpan(0, 12).CopyTo(result);
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(12), 0x8100);
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(14), tci);
        frame.AsSpan(12).CopyTo(result.AsSpan(16));
        return result;
    }

    /// <summary>The L3 part (everything after Ethernet and an optional VLAN tag).</summary>
    public static byte[] L3(byte[] frame)
    {
        var offset = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) == 0x8100 ? 18 : 14;
        return frame[offset..];
    }

    public static ByteArraySegment Segment(byte[] bytes) => new(bytes);
}
