using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Dataplane.Tests.Proxy;

/// <summary>
/// balancer.bpf.o loaded by our runtime, its maps filled by hand with the layouts of
/// src/bpf/include/balancer_maps.h (vip_map, reals, ch_rings, lb_config). The control plane's API will
/// replace this; the LRU is shrunk to 64 Ki entries to keep tests light.
/// </summary>
internal sealed class BalancerMaps : IDisposable
{
    public const int RingSize = 65537;
    public const byte Tcp = 6;
    public const byte Udp = 17;
    public const uint VipNoLru = 1 << 0;
    public const uint VipGue = 1 << 6;
    public const string Program = "xdp_balancer";

    public BalancerMaps(int cpuCount = 2, ushort guePort = 0)
    {
        var obj = TestObjects.Object("balancer");
        var maps = new List<MapDefinition>();
        foreach (var map in obj.Maps)
        {
            maps.Add(map.Name == "lru_flows" ? map with { MaxEntries = 65536 } : map);
        }

        var small = new LoadBalancer.Ebpf.Objects.BpfObject
        {
            Name = obj.Name,
            Programs = obj.Programs,
            Maps = maps,
            Globals = obj.Globals,
            License = obj.License,
            KernelVersion = obj.KernelVersion,
            Btf = obj.Btf,
        };
        Loaded = new LoadedObject(small, new LoadedObjectOptions { Helpers = XdpHelpers.CreateTable(), CpuCount = cpuCount });
        SetConfig(guePort);
    }

    public LoadedObject Loaded { get; }

    /// <summary>lb_config: gateway MAC, GUE port, outer sources 172.16.0.0 (16 hash bits) and fc00:1:: (32 hash bits).</summary>
    public void SetConfig(ushort guePort)
    {
        var config = new byte[32];
        byte[] mac = [0x02, 0, 0, 0, 0, 0xfe];
        mac.CopyTo(config, 0);
        BinaryPrimitives.WriteUInt16BigEndian(config.AsSpan(6), guePort);
        IPAddress.Parse("172.16.0.0").GetAddressBytes().CopyTo(config, 8);
        IPAddress.Parse("fc00:1::").GetAddressBytes().CopyTo(config, 12);
        config[28] = 16;
        config[29] = 32;
        SetArray("lb_config", 0, config);
    }

    public void AddVip(IPAddress address, int port, byte protocol, uint vipIndex, uint flags = 0)
    {
        var key = new byte[20];
        address.GetAddressBytes().CopyTo(key, 0);
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(16), (ushort)port);
        key[18] = protocol;
        key[19] = Family(address);
        var meta = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(meta, flags);
        BinaryPrimitives.WriteUInt32LittleEndian(meta.AsSpan(4), vipIndex);
        Loaded.GetMap("vip_map").Update(key, meta);
    }

    public void SetReal(uint index, IPAddress address)
    {
        var value = new byte[20];
        address.GetAddressBytes().CopyTo(value, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(16), address.AddressFamily == AddressFamily.InterNetworkV6 ? 1u : 0u);
        SetArray("reals", index, value);
    }

    /// <summary>Fills the VIP's ring round-robin: slot i names reals[i % reals.Length].</summary>
    public void FillRing(uint vipIndex, params uint[] reals)
    {
        var keys = new byte[RingSize * 4];
        var values = new byte[RingSize * 4];
        for (var slot = 0; slot < RingSize; slot++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keys.AsSpan(slot * 4), (uint)(vipIndex * RingSize + slot));
            BinaryPrimitives.WriteUInt32LittleEndian(values.AsSpan(slot * 4), reals[slot % reals.Length]);
        }

        Loaded.GetMap("ch_rings").UpdateBatch(keys, values, RingSize);
    }

    /// <summary>A VIP on <paramref name="vip"/> whose ring spreads over <paramref name="reals"/> (real indexes from 1).</summary>
    public void Balance(IPAddress vip, int port, byte protocol, uint vipIndex, IPAddress[] reals, uint flags = 0)
    {
        AddVip(vip, port, protocol, vipIndex, flags);
        var indexes = new uint[reals.Length];
        for (var i = 0; i < reals.Length; i++)
        {
            indexes[i] = vipIndex * 16 + (uint)i + 1;
            SetReal(indexes[i], reals[i]);
        }

        FillRing(vipIndex, indexes);
    }

    /// <summary>Packets of the stats entry <paramref name="index"/> per CPU (the program's per-CPU <c>stats</c> map).</summary>
    public ulong[] PacketsPerCpu(int index)
    {
        var stats = Loaded.GetMap("stats");
        var values = new byte[stats.CpuCount * stats.PerCpuValueStride];
        Span<byte> key = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(key, index);
        Assert.True(stats.TryLookupPerCpu(key, values));
        var packets = new ulong[stats.CpuCount];
        for (var cpu = 0; cpu < packets.Length; cpu++)
        {
            packets[cpu] = BinaryPrimitives.ReadUInt64LittleEndian(values.AsSpan(cpu * stats.PerCpuValueStride));
        }

        return packets;
    }

    /// <summary>Index of the XDP_TX action counter (STATS_ACTION_BASE + 3).</summary>
    public const int StatsTx = 64 + 4096 + 3;

    public void Dispose() => Loaded.Dispose();

    private static byte Family(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)10 : (byte)2;

    private void SetArray(string map, uint index, byte[] value)
    {
        Span<byte> key = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(key, index);
        Loaded.GetMap(map).Update(key, value);
    }
}
