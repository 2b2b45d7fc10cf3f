using System.Buffers.Binary;
using System.Net;
using static LoadBalancer.Balancer.Tests.Bpf.Frames;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Edits of built frames shared by the fixtures: IPv4 options, IPv6 extension headers, fragments, malformed headers, QUIC payloads.</summary>
internal static class FrameEdits
{
    public static byte[] Malformed(string kind, IPAddress Client4, IPAddress Vip4, IPAddress Client6, IPAddress Vip6)
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
                return WithIpv4Options(tcp4, new byte[8])[..(14 + 24)];
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
                return WithIpv6Extensions(tcp6, [60])[..(14 + 40 + 1)];
            case "ipv6-fragment-header":
                return Ipv6Fragment(tcp6, 0, more: false)[..(14 + 40 + 6)];
            case "ipv6-extension-limit":
                return WithIpv6Extensions(tcp6, [60, 60, 60, 60, 60, 60, 60]);
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

    public static byte[] Patched(byte[] frame, int offset, byte value)
    {
        var copy = (byte[])frame.Clone();
        copy[offset] = value;
        return copy;
    }

    /// <summary>Marks an IPv4 frame as a fragment (offset in 8-byte units) with a fixed header checksum.</summary>
    public static byte[] Ipv4Fragment(byte[] frame, ushort offset, bool more)
    {
        var copy = (byte[])frame.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(20), (ushort)((more ? 0x2000 : 0) | offset));
        copy[24] = copy[25] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(24), Checksum.Compute(copy.AsSpan(14, 20)));
        return copy;
    }

    /// <summary>Inserts an IPv6 fragment header (offset in 8-byte units) before the transport header.</summary>
    public static byte[] Ipv6Fragment(byte[] frame, ushort offset, bool more)
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

    /// <summary>Adds IPv4 options to a frame's IPv4 header, fixing IHL, total length and checksum.</summary>
    public static byte[] WithIpv4Options(byte[] frame, byte[] options)
    {
        var result = new byte[frame.Length + options.Length];
        frame.AsSpan(0, 34).CopyTo(result);
        options.CopyTo(result, 34);
        frame.AsSpan(34).CopyTo(result.AsSpan(34 + options.Length));
        result[14] = (byte)(0x40 | ((20 + options.Length) / 4));
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(16), (ushort)(result.Length - 14));
        result[24] = result[25] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(24), Checksum.Compute(result.AsSpan(14, 20 + options.Length)));
        return result;
    }

    /// <summary>Inserts 8-byte IPv6 extension headers of the given types before the transport header.</summary>
    public static byte[] WithIpv6Extensions(byte[] frame, byte[] types)
    {
        var transport = frame[6 + 14];
        var ext = new byte[types.Length * 8];
        for (var i = 0; i < types.Length; i++)
        {
            ext[i * 8] = i + 1 < types.Length ? types[i + 1] : transport;
            ext[i * 8 + 1] = 0;
            if (types[i] == 43)
            {
                ext[i * 8 + 2] = 4; // routing type 4 (SRH) with segments left 0: ignorable
            }
        }

        var result = new byte[frame.Length + ext.Length];
        frame.AsSpan(0, 54).CopyTo(result);
        ext.CopyTo(result, 54);
        frame.AsSpan(54).CopyTo(result.AsSpan(54 + ext.Length));
        result[14 + 6] = types[0];
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(18), (ushort)(result.Length - 54));
        return result;
    }

    /// <summary>Short header: flags 0x40, then the DCID (QUIC-LB octet 0x01, server id, 5 more bytes), then payload.</summary>
    public static byte[] ShortHeader(ushort serverId) =>
        [0x40, 0x01, (byte)(serverId >> 8), (byte)serverId, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 1, 2, 3, 4];

    /// <summary>Long header of the given type: version 1, DCID length 8, DCID with the server id at bytes 1..2.</summary>
    public static byte[] LongHeader(int type, ushort serverId) =>
        [(byte)(0xc0 | (type << 4)), 0, 0, 0, 1, 8, 0x01, (byte)(serverId >> 8), (byte)serverId, 4, 5, 6, 7, 8, 0, 1, 2, 3];
}
