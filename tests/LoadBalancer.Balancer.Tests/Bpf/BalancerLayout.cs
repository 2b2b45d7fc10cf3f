using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>The constants and byte layouts of src/bpf/include/balancer_maps.h, as the README documents them.</summary>
internal static class BalancerLayout
{
    public const int MaxVips = 64;
    public const int MaxReals = 4096;
    public const int RingSize = 65537;

    public const uint VipNoLru = 1 << 0;
    public const uint VipHashSrcOnly = 1 << 1;
    public const uint VipHashDportOnly = 1 << 2;
    public const uint VipQuic = 1 << 3;
    public const uint VipLocal = 1 << 4;
    public const uint VipUdpStickyOff = 1 << 5;
    public const uint VipGue = 1 << 6;

    public const uint RealIpv6 = 1;

    public const byte FamilyV4 = 2;
    public const byte FamilyV6 = 10;

    public const int StatsVipBase = 0;
    public const int StatsRealBase = StatsVipBase + MaxVips;
    public const int StatsActionBase = StatsRealBase + MaxReals;
    public const int StatsDropBase = StatsActionBase + 5;
    public const int StatsEventBase = StatsDropBase + 24;
    public const int StatsEntries = StatsEventBase + 16;

    public const int DecapStatsEntries = 8;

    public const int DropEthTruncated = 1;
    public const int DropVlanTruncated = 2;
    public const int DropIpv4Truncated = 3;
    public const int DropIpv4Malformed = 4;
    public const int DropIpv6Truncated = 5;
    public const int DropIpv6Malformed = 6;
    public const int DropIpv6ExtTruncated = 7;
    public const int DropIpv6ExtLimit = 8;
    public const int DropTcpTruncated = 9;
    public const int DropUdpTruncated = 10;
    public const int DropIcmpTruncated = 11;
    public const int DropIcmp6Truncated = 12;
    public const int DropFragment = 13;
    public const int DropNoReal = 14;
    public const int DropVipIndex = 15;
    public const int DropEncapFailed = 16;
    public const int DropTcpMalformed = 17;

    public const int EventLruHit = 0;
    public const int EventLruMiss = 1;
    public const int EventTcpSyn = 2;
    public const int EventIcmpEcho = 3;
    public const int EventIcmpError = 4;
    public const int EventQuicRouted = 5;
    public const int EventQuicFallback = 6;
    public const int EventFragmentPassed = 7;
    public const int EventEncapIpip = 8;
    public const int EventEncapIp6Ip6 = 9;
    public const int EventEncapIp4Ip6 = 10;
    public const int EventEncapIp6Ip4 = 11;
    public const int EventEncapGue4 = 12;
    public const int EventEncapGue6 = 13;
    public const int EventLocal = 14;

    public const int DecapIpip = 0;
    public const int DecapIp6Ip4 = 1;
    public const int DecapIp6Ip6 = 2;
    public const int DecapIp4Ip6 = 3;
    public const int DecapGue4 = 4;
    public const int DecapGue6 = 5;
    public const int DecapPassed = 6;
    public const int DecapMalformed = 7;

    /// <summary>Address bytes as keys hold them: IPv4 in the first 4 of 16 bytes.</summary>
    public static byte[] Address16(IPAddress address)
    {
        var result = new byte[16];
        address.GetAddressBytes().CopyTo(result, 0);
        return result;
    }

    public static byte Family(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? FamilyV6 : FamilyV4;

    public static byte[] VipKey(IPAddress address, ushort port, byte proto)
    {
        var key = new byte[20];
        Address16(address).CopyTo(key, 0);
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(16), port);
        key[18] = proto;
        key[19] = Family(address);
        return key;
    }

    public static byte[] VipMeta(uint flags, uint vipIndex)
    {
        var value = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(value, flags);
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(4), vipIndex);
        return value;
    }

    public static byte[] Real(IPAddress address)
    {
        var value = new byte[20];
        Address16(address).CopyTo(value, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(16), address.AddressFamily == AddressFamily.InterNetworkV6 ? RealIpv6 : 0);
        return value;
    }

    public static byte[] FlowKey(IPAddress src, IPAddress dst, ushort sport, ushort dport, byte proto)
    {
        var key = new byte[40];
        Address16(src).CopyTo(key, 0);
        Address16(dst).CopyTo(key, 16);
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(32), sport);
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(34), dport);
        key[36] = proto;
        key[37] = Family(src);
        return key;
    }

    public static byte[] Config(byte[] gatewayMac, ushort guePort, IPAddress srcV4, IPAddress srcV6, byte v4Bits, byte v6Bits)
    {
        var value = new byte[32];
        gatewayMac.CopyTo(value, 0);
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(6), guePort);
        srcV4.GetAddressBytes().CopyTo(value, 8);
        srcV6.GetAddressBytes().CopyTo(value, 12);
        value[28] = v4Bits;
        value[29] = v6Bits;
        return value;
    }

    public static byte[] DecapKey(IPAddress address)
    {
        var key = new byte[20];
        Address16(address).CopyTo(key, 0);
        key[16] = Family(address);
        return key;
    }
}
