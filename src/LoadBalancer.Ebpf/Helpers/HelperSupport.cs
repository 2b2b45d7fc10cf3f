using System.Runtime.CompilerServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary>Argument checks shared by the core helpers: map handles through the registry, pointers through the regions.</summary>
internal static unsafe class HelperSupport
{
    /// <summary>BPF_F_RDONLY_PROG: programs may read but not write the map.</summary>
    public const uint ReadOnlyProgFlag = 0x80;

    /// <summary>A negated errno as the 64-bit r0 value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Error(int errno) => (ulong)(long)-errno;

    /// <summary>A helper's int result (0 or a negated errno) as r0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Result(int rc) => (ulong)(long)rc;

    /// <summary>The registered map behind a map argument, or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BpfMap? Map(RunContext context, ulong handle) =>
        context.Maps is { } maps && maps.TryGet(handle, out var map) ? map : null;

    /// <summary>True when <paramref name="size"/> bytes at <paramref name="address"/> may be read (size 0: always).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Readable(RunContext context, ulong address, ulong size) => size == 0 || context.Check(address, size, false);

    /// <summary>True when <paramref name="size"/> bytes at <paramref name="address"/> may be written (size 0: always).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Writable(RunContext context, ulong address, ulong size) => size == 0 || context.Check(address, size, true);

    /// <summary>The CPU slot the run uses for per-CPU maps, or -1 when the run's processor id has none in this map.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Cpu(RunContext context, BpfMap map)
    {
        var cpu = context.ProcessorId;
        return (uint)cpu < (uint)map.CpuCount ? cpu : -1;
    }

    /// <summary>
    /// Makes sure the program may access the value at <paramref name="value"/>: when no region covers it
    /// (an inner map created after the context was prepared), registers the map's value regions as
    /// persistent regions of this context (once per map and context).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void EnsureAccessible(RunContext context, BpfMap map, byte* value, int size)
    {
        if (!context.Check((ulong)value, (ulong)Math.Max(size, 1), false))
        {
            AddRegions(context, map);
        }
    }

    /// <summary>Registers every value region of <paramref name="map"/> in <paramref name="context"/> (read-only for BPF_F_RDONLY_PROG maps).</summary>
    public static void AddRegions(RunContext context, BpfMap map)
    {
        var writable = (map.Definition.Flags & ReadOnlyProgFlag) == 0;
        var regions = map.ValueRegions;
        for (var i = 0; i < regions.Count; i++)
        {
            var (start, length) = regions[i];
            if (length > 0)
            {
                context.AddPersistentRegion((ulong)start, (ulong)length, writable);
            }
        }
    }
}
