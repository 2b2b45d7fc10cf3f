using System.Buffers.Binary;
using System.Net;

namespace LoadBalancer.Host.Tests.Metrics;

/// <summary>Ethernet + IPv4 frames for the metrics tests, written byte by byte (well-formed unless named otherwise).</summary>
internal static class MetricFrames
{
    /// <summary>Length of <see cref="Tcp4"/>'s frames: Ethernet 14 + IPv4 20 + TCP 20.</summary>
    public const int TcpLength = 54;

    /// <summary>A TCP segment without payload: SYN, or ACK when <paramref name="syn"/> is false.</summary>
    public static byte[] Tcp4(string source, ushort sourcePort, string destination, ushort destinationPort, bool syn)
    {
        var frame = new byte[TcpLength];
        WriteIpv4(frame, source, destination, protocol: 6, totalLength: 40);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(34), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(36), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(38), 1000);
        frame[46] = 0x50; // data offset 5
        frame[47] = syn ? (byte)0x02 : (byte)0x10;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(48), 8192);
        return frame;
    }

    /// <summary>10 bytes: shorter than an Ethernet header (<c>DROP_ETH_TRUNCATED</c>).</summary>
    public static byte[] EthernetTruncated() => [0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0];

    /// <summary>An IPv4 header claiming IHL 4 (<c>DROP_IPV4_MALFORMED</c>).</summary>
    public static byte[] Ipv4BadHeaderLength()
    {
        var frame = Tcp4("172.16.0.1", 1000, "10.0.0.10", 80, syn: true);
        frame[14] = 0x44;
        return frame;
    }

    /// <summary>An IPv4 packet to <paramref name="destination"/> whose TCP header is cut after 8 bytes (<c>DROP_TCP_TRUNCATED</c>).</summary>
    public static byte[] TcpTruncated(string destination)
    {
        var frame = new byte[14 + 20 + 8];
        WriteIpv4(frame, "172.16.0.1", destination, protocol: 6, totalLength: 28);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(34), 1000);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(36), 80);
        return frame;
    }

    private static void WriteIpv4(Span<byte> frame, string source, string destination, byte protocol, ushort totalLength)
    {
        frame[0] = 0x02; // destination MAC 02:00:00:00:00:02
        frame[5] = 0x02;
        frame[6] = 0x02; // source MAC 02:00:00:00:00:01
        frame[11] = 0x01;
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], 0x0800);
        frame[14] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(frame[16..], totalLength);
        frame[22] = 64;
        frame[23] = protocol;
        IPAddress.Parse(source).TryWriteBytes(frame[26..30], out _);
        IPAddress.Parse(destination).TryWriteBytes(frame[30..34], out _);
        BinaryPrimitives.WriteUInt16BigEndian(frame[24..], Ipv4Checksum(frame[14..34]));
    }

    private static ushort Ipv4Checksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (var i = 0; i < header.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
