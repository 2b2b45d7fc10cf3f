using System.Buffers.Binary;

namespace LoadBalancer.Ebpf.Tests.Runtime;

/// <summary>Real Ethernet/IPv4/UDP/TCP frames built byte by byte (checksums computed), for XDP runs.</summary>
internal static class Packets
{
    public static byte[] Udp(uint source, uint destination, ushort sourcePort, ushort destinationPort, int payloadLength, byte fill = 0x5a) =>
        Ipv4(17, source, destination, Transport(sourcePort, destinationPort, payloadLength, fill, udp: true));

    public static byte[] Tcp(uint source, uint destination, ushort sourcePort, ushort destinationPort, int payloadLength, byte fill = 0x33) =>
        Ipv4(6, source, destination, Transport(sourcePort, destinationPort, payloadLength, fill, udp: false));

    /// <summary>An Ethernet frame of <paramref name="ethertype"/> with <paramref name="payload"/>.</summary>
    public static byte[] Ethernet(ushort ethertype, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[14 + payload.Length];
        byte[] dst = [0x02, 0, 0, 0, 0, 0x01];
        byte[] src = [0x02, 0, 0, 0, 0, 0x02];
        dst.CopyTo(frame, 0);
        src.CopyTo(frame, 6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), ethertype);
        payload.CopyTo(frame.AsSpan(14));
        return frame;
    }

    private static byte[] Ipv4(byte protocol, uint source, uint destination, byte[] transport)
    {
        var ip = new byte[20 + transport.Length];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(4), 0x1234);
        ip[8] = 64;
        ip[9] = protocol;
        BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(12), source);
        BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(16), destination);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(10), Checksum(ip.AsSpan(0, 20)));
        transport.CopyTo(ip, 20);
        return Ethernet(0x0800, ip);
    }

    private static byte[] Transport(ushort sourcePort, ushort destinationPort, int payloadLength, byte fill, bool udp)
    {
        var header = udp ? 8 : 20;
        var segment = new byte[header + payloadLength];
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(0), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), destinationPort);
        if (udp)
        {
            BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(4), (ushort)segment.Length);
        }
        else
        {
            segment[12] = 5 << 4;
            segment[13] = 0x02; // SYN
        }

        segment.AsSpan(header).Fill(fill);
        return segment;
    }

    private static ushort Checksum(ReadOnlySpan<byte> bytes)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < bytes.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(bytes[i..]);
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
