using System.Buffers.Binary;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>
/// Writes the Ethernet frames the proxy shows the XDP program: a TCP SYN for a new connection, a UDP
/// datagram for each datagram received, from the client's address and port to the VIP's, with valid
/// IPv4 header, TCP and UDP checksums (the program sees what a NIC would have received).
/// </summary>
internal static class ProbePacket
{
    /// <summary>Ethernet header bytes (no VLAN tag).</summary>
    public const int EthernetLength = 14;

    /// <summary>Ethernet + IPv6 + UDP: the most header bytes a UDP frame needs in front of its payload.</summary>
    public const int MaxUdpHeaderLength = EthernetLength + 40 + 8;

    /// <summary>Ethernet + IPv6 + TCP (no options): the longest SYN frame.</summary>
    public const int MaxTcpSynLength = EthernetLength + 40 + 20;

    private const byte ProtocolTcp = 6;
    private const byte ProtocolUdp = 17;

    /// <summary>Bytes in front of a UDP payload for this family.</summary>
    public static int UdpHeaderLength(bool isV6) => EthernetLength + (isV6 ? 40 : 20) + 8;

    /// <summary>Writes a SYN (no options, window 65535) into <paramref name="frame"/>; returns its length.</summary>
    public static int WriteTcpSyn(Span<byte> frame, in PacketAddress client, ushort clientPort, in PacketAddress vip, ushort vipPort, uint sequence)
    {
        var ipLength = client.IsV6 ? 40 : 20;
        var length = EthernetLength + ipLength + 20;
        frame = frame[..length];
        WriteEthernetAndIp(frame, client, vip, ProtocolTcp, 20);
        var tcp = frame[(EthernetLength + ipLength)..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, clientPort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], vipPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], 0);
        tcp[12] = 5 << 4;
        tcp[13] = 0x02;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 0xFFFF);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[16..], 0);
        var sum = InternetChecksum.Add(PseudoHeaderSum(client, vip, ProtocolTcp, 20), tcp);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], InternetChecksum.Finish(sum));
        return length;
    }

    /// <summary>
    /// Writes Ethernet, IP and UDP headers in front of the payload that already fills
    /// <paramref name="frame"/> from <see cref="UdpHeaderLength"/> to its end.
    /// </summary>
    public static void WriteUdpHeaders(Span<byte> frame, in PacketAddress client, ushort clientPort, in PacketAddress vip, ushort vipPort)
    {
        var ipLength = client.IsV6 ? 40 : 20;
        var udpLength = frame.Length - EthernetLength - ipLength;
        WriteEthernetAndIp(frame, client, vip, ProtocolUdp, udpLength);
        var udp = frame[(EthernetLength + ipLength)..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, clientPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], vipPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udpLength);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], 0);
        var checksum = InternetChecksum.Finish(InternetChecksum.Add(PseudoHeaderSum(client, vip, ProtocolUdp, udpLength), udp));
        // A computed 0 is sent as 0xFFFF (0 means "no checksum" for UDP over IPv4 and is invalid over IPv6).
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], checksum == 0 ? (ushort)0xFFFF : checksum);
    }

    private static void WriteEthernetAndIp(Span<byte> frame, in PacketAddress source, in PacketAddress destination, byte protocol, int transportLength)
    {
        // Locally administered MACs: the program copies the destination into the outer source.
        frame[0] = 0x02;
        frame[1..6].Clear();
        frame[5] = 0x01;
        frame[6] = 0x02;
        frame[7..12].Clear();
        frame[11] = 0x02;
        var ip = frame[EthernetLength..];
        if (source.IsV6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame[12..], 0x86DD);
            BinaryPrimitives.WriteUInt32BigEndian(ip, 0x6000_0000);
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)transportLength);
            ip[6] = protocol;
            ip[7] = 64;
            source.WriteTo(ip[8..]);
            destination.WriteTo(ip[24..]);
            return;
        }

        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], 0x0800);
        ip[0] = 0x45;
        ip[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + transportLength));
        BinaryPrimitives.WriteUInt32BigEndian(ip[4..], 0x0000_4000);
        ip[8] = 64;
        ip[9] = protocol;
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
        source.WriteTo(ip[12..]);
        destination.WriteTo(ip[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Finish(InternetChecksum.Add(0, ip[..20])));
    }

    private static ulong PseudoHeaderSum(in PacketAddress source, in PacketAddress destination, byte protocol, int length)
    {
        Span<byte> addresses = stackalloc byte[32];
        source.WriteTo(addresses);
        destination.WriteTo(addresses[source.Length..]);
        return InternetChecksum.Add((ulong)protocol + (ulong)length, addresses[..(source.Length * 2)]);
    }
}
