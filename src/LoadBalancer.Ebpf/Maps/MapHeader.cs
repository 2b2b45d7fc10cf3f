using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// Native header every map owns; its address is the map's <see cref="BpfMap.Handle"/>, the value
/// <c>lddw rX, map_fd</c> loads. Helpers turn it back into the map through <see cref="Self"/>; a JIT may
/// read the layout fields to inline lookups (array: <c>Data + cpu * CpuRegionSize + index * ValueStride</c>).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct MapHeader
{
    /// <summary>GCHandle (as IntPtr) of the owning <see cref="BpfMap"/>; 0 once disposed.</summary>
    public nint Self;
    /// <summary>Map type.</summary>
    public MapType Type;
    /// <summary>Key size in bytes.</summary>
    public uint KeySize;
    /// <summary>Value size in bytes.</summary>
    public uint ValueSize;
    /// <summary>Capacity.</summary>
    public uint MaxEntries;
    /// <summary>Distance between consecutive values of an array (value size rounded up to 8).</summary>
    public uint ValueStride;
    /// <summary>Number of per-CPU slots (workers) for per-CPU maps, 1 otherwise.</summary>
    public int CpuCount;
    /// <summary>Array maps: base address of the values; 0 for other types.</summary>
    public nint Data;
    /// <summary>Per-CPU arrays: bytes between CPU n's values and CPU n+1's; 0 otherwise.</summary>
    public nint CpuRegionSize;
}
