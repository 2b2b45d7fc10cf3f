using System.Buffers.Binary;
using System.Net;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerHarness;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>The balancer's outputs built by hand from README.md's description of the formats.</summary>
internal static class Expected
{
    /// <summary>
    /// <paramref name="input"/> encapsulated toward <paramref name="real"/>: Ethernet (gateway MAC,
    /// source = the input's destination MAC, VLAN tag kept), outer IPv4/IPv6 (TTL 64, TOS/traffic class
    /// of the inner packet, IPv4 id 0 and no flags, IPv6 flow label = low 20 hash bits), then for GUE
    /// a UDP header (source port from the hash, checksum 0), then the input's IP packet unchanged.
    /// </summary>
    public static byte[] Encapsulated(byte[] input, IPAddress real, uint hash, bool gue, ushort guePort = 6080)
    {
        var vlan = BinaryPrimitives.ReadUInt16BigEndian(input.AsSpan(12)) == 0x8100;
        var inner = Frames.L3(input);
        var innerV6 = inner[0] >> 4 == 6;
        var tos = innerV6 ? (byte)(((inner[0] & 0xf) << 4) | (inner[1] >> 4)) : inner[1];
        var realV6 = Frames.IsV6(real);
        var innerProto = innerV6 ? (byte)41 : (byte)4;

        var udp = Array.Empty<byte>();
        if (gue)
        {
            udp = new byte[8];
            BinaryPrimitives.WriteUInt16BigEndian(udp, FlowHashReference.GueSourcePort(hash));
            BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), guePort);
            BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)(8 + inner.Length));
        }

        var payloadLength = udp.Length + inner.Length;
        var proto = gue ? (byte)17 : innerProto;
        byte[] ip;
        if (realV6)
        {
            ip = new byte[40];
            BinaryPrimitives.WriteUInt32BigEndian(ip, (6u << 28) | ((uint)tos << 20) | (hash & 0xfffff));
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(4), (ushort)payloadLength);
            ip[6] = proto;
            ip[7] = 64;
            FlowHashReference.OuterSourceV6(SourceV6Prefix.GetAddressBytes(), SourceV6Bits, hash).CopyTo(ip, 8);
            real.GetAddressBytes().CopyTo(ip, 24);
        }
        else
        {
            ip = new byte[20];
            ip[0] = 0x45;
            ip[1] = tos;
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)(20 + payloadLength));
            ip[8] = 64;
            ip[9] = proto;
            FlowHashReference.OuterSourceV4(SourceV4Prefix.GetAddressBytes(), SourceV4Bits, hash).CopyTo(ip, 12);
            real.GetAddressBytes().CopyTo(ip, 16);
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(10), Checksum.Compute(ip));
        }

        var l2 = new byte[vlan ? 18 : 14];
        GatewayMac.CopyTo(l2, 0);
        input.AsSpan(0, 6).CopyTo(l2.AsSpan(6));
        var outerType = realV6 ? (ushort)0x86dd : (ushort)0x0800;
        if (vlan)
        {
            input.AsSpan(12, 4).CopyTo(l2.AsSpan(12));
            BinaryPrimitives.WriteUInt16BigEndian(l2.AsSpan(16), outerType);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(l2.AsSpan(12), outerType);
        }

        return [.. l2, .. ip, .. udp, .. inner];
    }
}
