using System.Runtime.InteropServices;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Balancer.Maps;

/// <summary>
/// Typed views of balancer.bpf.o's seven maps over <see cref="IMapStore"/>s, so one control plane drives
/// the project's runtime and (in tests) the kernel. Writes go straight to the maps; the caller orders them.
/// </summary>
public sealed class BalancerMaps
{
    /// <summary>The maps, resolved by their names in the object.</summary>
    /// <exception cref="ArgumentException">A map is missing or has other key/value sizes than balancer_maps.h says.</exception>
    public BalancerMaps(Func<string, IMapStore> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        Vips = Check(resolve("vip_map"), 20, 8);
        Flows = Check(resolve("lru_flows"), 40, 16);
        Rings = Check(resolve("ch_rings"), 4, 4);
        Reals = Check(resolve("reals"), 4, 20);
        QuicServerIds = Check(resolve("quic_server_ids"), 4, 4);
        Config = Check(resolve("lb_config"), 4, 32);
        Stats = Check(resolve("stats"), 4, 16);
        if (!Stats.IsPerCpu)
        {
            throw new ArgumentException($"Map '{Stats.Name}' must be per-CPU (PERCPU_ARRAY).", nameof(resolve));
        }
    }

    /// <summary><c>vip_map</c>.</summary>
    public IMapStore Vips { get; }

    /// <summary><c>lru_flows</c>.</summary>
    public IMapStore Flows { get; }

    /// <summary><c>ch_rings</c>.</summary>
    public IMapStore Rings { get; }

    /// <summary><c>reals</c>.</summary>
    public IMapStore Reals { get; }

    /// <summary><c>quic_server_ids</c>.</summary>
    public IMapStore QuicServerIds { get; }

    /// <summary><c>lb_config</c>.</summary>
    public IMapStore Config { get; }

    /// <summary><c>stats</c>.</summary>
    public IMapStore Stats { get; }

    /// <summary>The maps of a loaded balancer object (the project's runtime).</summary>
    public static BalancerMaps FromLoadedObject(LoadedObject loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        return new BalancerMaps(name => new RuntimeMapStore(loaded.GetMap(name)));
    }

    /// <summary>Writes a VIP entry.</summary>
    public void SetVip(in VipKey key, in VipMeta meta) => Vips.Update(Bytes(in key), Bytes(in meta));

    /// <summary>Deletes a VIP entry; false when absent.</summary>
    public bool DeleteVip(in VipKey key) => Vips.Delete(Bytes(in key));

    /// <summary>Reads a VIP entry.</summary>
    public bool TryGetVip(in VipKey key, out VipMeta meta)
    {
        meta = default;
        return Vips.TryLookup(Bytes(in key), MemoryMarshal.AsBytes(new Span<VipMeta>(ref meta)));
    }

    /// <summary>Writes <c>reals[index]</c>.</summary>
    public void SetReal(uint index, in RealDefinition real) => Reals.Update(Bytes(in index), Bytes(in real));

    /// <summary>Reads <c>reals[index]</c>.</summary>
    public RealDefinition GetReal(uint index)
    {
        var real = default(RealDefinition);
        Reals.TryLookup(Bytes(in index), MemoryMarshal.AsBytes(new Span<RealDefinition>(ref real)));
        return real;
    }

    /// <summary>Writes ring slot <paramref name="slot"/> of VIP <paramref name="vipIndex"/> (real index, 0 = none).</summary>
    public void SetRingSlot(int vipIndex, int slot, uint realIndex)
    {
        var key = (uint)(vipIndex * BalancerConstants.RingSize + slot);
        Rings.Update(Bytes(in key), Bytes(in realIndex));
    }

    /// <summary>Reads ring slot <paramref name="slot"/> of VIP <paramref name="vipIndex"/>.</summary>
    public uint GetRingSlot(int vipIndex, int slot)
    {
        var key = (uint)(vipIndex * BalancerConstants.RingSize + slot);
        uint value = 0;
        Rings.TryLookup(Bytes(in key), MemoryMarshal.AsBytes(new Span<uint>(ref value)));
        return value;
    }

    /// <summary>Writes <c>quic_server_ids[serverId]</c> (real index, 0 = unknown).</summary>
    public void SetQuicServerId(uint serverId, uint realIndex) => QuicServerIds.Update(Bytes(in serverId), Bytes(in realIndex));

    /// <summary>Writes the single <c>lb_config</c> entry.</summary>
    public void SetConfig(in BalancerConfig config)
    {
        uint key = 0;
        Config.Update(Bytes(in key), Bytes(in config));
    }

    /// <summary>Reads the single <c>lb_config</c> entry.</summary>
    public BalancerConfig GetConfig()
    {
        uint key = 0;
        var config = default(BalancerConfig);
        Config.TryLookup(Bytes(in key), MemoryMarshal.AsBytes(new Span<BalancerConfig>(ref config)));
        return config;
    }

    /// <summary>Counter <paramref name="index"/> of <c>stats</c> summed over every CPU.</summary>
    public StatsCounter ReadStats(int index)
    {
        var key = (uint)index;
        Span<byte> values = Stats.CpuSlots * Stats.PerCpuStride <= 4096
            ? stackalloc byte[Stats.CpuSlots * Stats.PerCpuStride]
            : new byte[Stats.CpuSlots * Stats.PerCpuStride];
        if (!Stats.TryLookupPerCpu(Bytes(in key), values))
        {
            return default;
        }

        var sum = default(StatsCounter);
        for (var cpu = 0; cpu < Stats.CpuSlots; cpu++)
        {
            sum += MemoryMarshal.Read<StatsCounter>(values[(cpu * Stats.PerCpuStride)..]);
        }

        return sum;
    }

    /// <summary>Every counter of <c>stats</c>, summed over CPUs (index = stats index).</summary>
    public StatsCounter[] ReadAllStats()
    {
        var all = new StatsCounter[BalancerConstants.StatsEntries];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = ReadStats(i);
        }

        return all;
    }

    /// <summary>The flow entry of <paramref name="key"/>, if tracked.</summary>
    public bool TryGetFlow(in FlowKey key, out FlowValue value)
    {
        value = default;
        return Flows.TryLookup(Bytes(in key), MemoryMarshal.AsBytes(new Span<FlowValue>(ref value)));
    }

    /// <summary>Writes a flow entry (tests, flow migration).</summary>
    public void SetFlow(in FlowKey key, in FlowValue value) => Flows.Update(Bytes(in key), Bytes(in value));

    /// <summary>Deletes a flow entry; false when absent.</summary>
    public bool DeleteFlow(in FlowKey key) => Flows.Delete(Bytes(in key));

    /// <summary>
    /// Every tracked flow (a walk in next-key order; flows the program adds or evicts meanwhile may or
    /// may not be seen). An entry evicted between finding its key and reading it is skipped.
    /// </summary>
    public List<KeyValuePair<FlowKey, FlowValue>> ReadFlows()
    {
        var result = new List<KeyValuePair<FlowKey, FlowValue>>();
        var current = default(FlowKey);
        var next = default(FlowKey);
        var first = true;
        while (Flows.TryGetNextKey(first ? ReadOnlySpan<byte>.Empty : Bytes(in current), MemoryMarshal.AsBytes(new Span<FlowKey>(ref next))))
        {
            first = false;
            current = next;
            if (TryGetFlow(in current, out var value))
            {
                result.Add(new KeyValuePair<FlowKey, FlowValue>(current, value));
            }
        }

        return result;
    }

    private static ReadOnlySpan<byte> Bytes<T>(in T value)
        where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));

    private static IMapStore Check(IMapStore store, int keySize, int valueSize)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.KeySize != keySize || store.ValueSize != valueSize)
        {
            throw new ArgumentException(
                $"Map '{store.Name}' has key {store.KeySize} B / value {store.ValueSize} B; balancer_maps.h says {keySize} B / {valueSize} B. Rebuild src/bpf and this assembly together.");
        }

        return store;
    }
}
