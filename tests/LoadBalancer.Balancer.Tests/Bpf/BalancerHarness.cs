using System.Buffers.Binary;
using System.Net;
using LoadBalancer.Ebpf.Maps;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerLayout;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>
/// balancer.bpf.o in either engine with its maps: a gateway MAC, outer source prefixes 172.16.0.0
/// (16 hash bits) and fc00:1:: (32 hash bits), and helpers to add VIPs, reals and simple rings.
/// The LRU is created with 4096 entries instead of a million (the program does not depend on it).
/// </summary>
internal sealed class BalancerHarness : IDisposable
{
    public const uint XdpAborted = 0;
    public const uint XdpDrop = 1;
    public const uint XdpPass = 2;
    public const uint XdpTx = 3;

    public static readonly byte[] GatewayMac = [0x02, 0x00, 0x00, 0x00, 0x00, 0xfe];
    public static readonly IPAddress SourceV4Prefix = IPAddress.Parse("172.16.0.0");
    public static readonly IPAddress SourceV6Prefix = IPAddress.Parse("fc00:1::");
    public const byte SourceV4Bits = 16;
    public const byte SourceV6Bits = 32;

    public BalancerHarness(BpfEngine engine, ushort guePort = 0)
    {
        Xdp = new XdpHarness(engine, "balancer", "xdp_balancer", SmallLru);
        GuePort = guePort == 0 ? (ushort)6080 : guePort;
        Xdp.SetArray("lb_config", 0, Config(GatewayMac, guePort, SourceV4Prefix, SourceV6Prefix, SourceV4Bits, SourceV6Bits));
    }

    public XdpHarness Xdp { get; }

    public ushort GuePort { get; }

    public void AddVip(IPAddress address, ushort port, byte proto, uint flags, uint vipIndex) =>
        Xdp.Map("vip_map").Update(VipKey(address, port, proto), VipMeta(flags, vipIndex));

    public void SetReal(uint index, IPAddress address) => Xdp.SetArray("reals", index, Real(address));

    /// <summary>Fills the VIP's ring: slot i names reals[i % reals.Length].</summary>
    public void FillRing(uint vipIndex, params uint[] reals)
    {
        var ring = Xdp.Map("ch_rings");
        Span<byte> key = stackalloc byte[4];
        Span<byte> value = stackalloc byte[4];
        for (var slot = 0; slot < RingSize; slot++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(key, (uint)(vipIndex * RingSize + slot));
            BinaryPrimitives.WriteUInt32LittleEndian(value, reals[slot % reals.Length]);
            ring.Update(key, value);
        }
    }

    /// <summary>The real a ring filled by <see cref="FillRing"/> gives this flow.</summary>
    public static uint RingPick(byte[] flowKey, uint vipFlags, params uint[] reals) =>
        reals[FlowHashReference.FlowHash(flowKey, vipFlags) % RingSize % (uint)reals.Length];

    public (uint Action, byte[] Output) Run(byte[] frame) => Xdp.Run(frame);

    public Dictionary<int, (ulong Packets, ulong Bytes)> Stats() => Xdp.NonZeroStats("stats", StatsEntries);

    /// <summary>The LRU entry of a flow: real index, or null when absent.</summary>
    public uint? LruReal(byte[] flowKey)
    {
        var value = new byte[16];
        return Xdp.Map("lru_flows").Lookup(flowKey, value) ? BinaryPrimitives.ReadUInt32LittleEndian(value) : null;
    }

    public void SetLru(byte[] flowKey, uint real)
    {
        var value = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(value, real);
        Xdp.Map("lru_flows").Update(flowKey, value);
    }

    public void Dispose() => Xdp.Dispose();

    internal static MapDefinition SmallLru(MapDefinition definition) =>
        definition.Name == "lru_flows" ? definition with { MaxEntries = 4096 } : definition;
}
