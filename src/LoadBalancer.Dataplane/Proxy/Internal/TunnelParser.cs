using System.Buffers.Binary;

namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>
/// Reads the encapsulation the balancer put around a packet (src/bpf/README.md, "Encapsulation"):
/// Ethernet (optionally one VLAN tag), an outer IPv4 or IPv6 header whose protocol is 4 (IPv4 inside),
/// 41 (IPv6 inside) or 17 (UDP: GUE variant 1, the inner IP packet right after the UDP header).
/// </summary>
internal static class TunnelParser
{
    private const int ProtocolIpip = 4;
    private const int ProtocolIpv6 = 41;
    private const int ProtocolUdp = 17;

    /// <summary>Parses <paramref name="frame"/>; false when it is not an encapsulated packet.</summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out Tunnel tunnel)
    {
        tunnel = default;
        if (frame.Length < ProbePacket.EthernetLength)
        {
            return false;
        }

        var offset = 12;
        var etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
        if (etherType is 0x8100 or 0x88A8)
        {
            if (frame.Length < offset + 6)
            {
                return false;
            }

            offset += 4;
            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
        }

        offset += 2;
        PacketAddress real;
        int protocol;
        switch (etherType)
        {
            case 0x0800:
                if (frame.Length < offset + 20 || (frame[offset] >> 4) != 4 || (frame[offset] & 0x0F) < 5)
                {
                    return false;
                }

                var headerLength = (frame[offset] & 0x0F) * 4;
                if (frame.Length < offset + headerLength)
                {
                    return false;
                }

                protocol = frame[offset + 9];
                real = PacketAddress.FromBytes(frame.Slice(offset + 16, 4));
                offset += headerLength;
                break;
            case 0x86DD:
                if (frame.Length < offset + 40 || (frame[offset] >> 4) != 6)
                {
                    return false;
                }

                protocol = frame[offset + 6];
                real = PacketAddress.FromBytes(frame.Slice(offset + 24, 16));
                offset += 40;
                break;
            default:
                return false;
        }

        ushort guePort = 0;
        var isGue = protocol == ProtocolUdp;
        if (isGue)
        {
            if (frame.Length < offset + 8)
            {
                return false;
            }

            guePort = BinaryPrimitives.ReadUInt16BigEndian(frame[(offset + 2)..]);
            offset += 8;
        }
        else if (protocol is not (ProtocolIpip or ProtocolIpv6))
        {
            return false;
        }

        // The inner packet must start with an IP version nibble (GUE variant 1 carries it directly).
        if (frame.Length <= offset || (frame[offset] >> 4) is not (4 or 6))
        {
            return false;
        }

        tunnel = new Tunnel(real, isGue, guePort, offset, frame.Length - offset);
        return true;
    }
}
