using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_ARRAY and PERCPU_ARRAY: <c>max_entries</c> preallocated, zero-initialised values indexed
/// by a u32 key; elements cannot be deleted. Values are stored every 8 bytes
/// (<see cref="MapHeader.ValueStride"/>); per-CPU values are grouped by CPU
/// (<see cref="MapHeader.CpuRegionSize"/>) so workers updating counters never share a cache line.
/// Updates copy in place, like the kernel: a concurrent reader may see a partly written value.
/// </summary>
public sealed unsafe class ArrayMap : BpfMap
{
    private readonly byte* _data;
    private readonly uint _maxEntries;
    private readonly int _stride;
    private readonly nint _cpuRegion;
    private readonly int _cpus;
    private readonly (nint, nint)[] _regions;

    internal ArrayMap(MapDefinition definition, int cpuCount)
        : base(definition, cpuCount)
    {
        _maxEntries = definition.MaxEntries;
        _stride = (ValueSize + 7) & ~7;
        _cpus = IsPerCpu ? cpuCount : 1;
        _cpuRegion = (nint)_stride * (nint)_maxEntries;
        nuint bytes = (nuint)(_cpuRegion * _cpus);
        _data = (byte*)NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(_data, bytes);
        if (definition.InitialData is { } initial)
        {
            initial.AsSpan().CopyTo(new Span<byte>(_data, ValueSize));
        }

        Header->Data = (nint)_data;
        Header->ValueStride = (uint)_stride;
        Header->CpuRegionSize = IsPerCpu ? _cpuRegion : 0;
        _regions = [((nint)_data, (nint)bytes)];
    }

    /// <inheritdoc />
    public override IReadOnlyList<(nint Start, nint Length)> ValueRegions => _regions;

    /// <inheritdoc />
    public override long NativeBytes => _cpuRegion * _cpus + sizeof(MapHeader);

    /// <summary>Address of value <paramref name="index"/> of <paramref name="cpu"/> (no checks: the caller proved them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* ValueAt(uint index, int cpu) => _data + (cpu * _cpuRegion) + ((nint)index * _stride);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override byte* Lookup(byte* key, int cpu)
    {
        uint index = Unsafe.ReadUnaligned<uint>(key);
        if (index >= _maxEntries || (uint)cpu >= (uint)_cpus)
        {
            return null;
        }

        return ValueAt(index, cpu);
    }

    /// <inheritdoc />
    public override int Update(byte* key, byte* value, ulong flags, int cpu)
    {
        int rc = CheckUpdate(key, flags, out uint index);
        if (rc != 0)
        {
            return rc;
        }

        if ((uint)cpu >= (uint)_cpus)
        {
            return -BpfErrno.EINVAL;
        }

        Buffer.MemoryCopy(value, ValueAt(index, cpu), ValueSize, ValueSize);
        return 0;
    }

    /// <inheritdoc />
    protected override int UpdateAllCpus(byte* key, byte* values, ulong flags)
    {
        int rc = CheckUpdate(key, flags, out uint index);
        if (rc != 0)
        {
            return rc;
        }

        for (int cpu = 0; cpu < _cpus; cpu++)
        {
            Buffer.MemoryCopy(values + (cpu * PerCpuValueStride), ValueAt(index, cpu), ValueSize, ValueSize);
        }

        return 0;
    }

    // Kernel array_map_update_elem order: flags, index range, NOEXIST, F_LOCK (no spin lock in values).
    private int CheckUpdate(byte* key, ulong flags, out uint index)
    {
        index = Unsafe.ReadUnaligned<uint>(key);
        if ((flags & ~(ulong)UpdateFlags.Lock) > (ulong)UpdateFlags.Exist)
        {
            return -BpfErrno.EINVAL;
        }

        if (index >= _maxEntries)
        {
            return -BpfErrno.E2BIG;
        }

        if ((flags & (ulong)UpdateFlags.NoExist) != 0)
        {
            return -BpfErrno.EEXIST;
        }

        return (flags & (ulong)UpdateFlags.Lock) != 0 ? -BpfErrno.EINVAL : 0;
    }

    /// <summary>Arrays cannot delete: always -EINVAL, as the kernel.</summary>
    public override int Delete(byte* key) => -BpfErrno.EINVAL;

    /// <inheritdoc />
    public override int GetNextKey(byte* key, byte* nextKey)
    {
        uint index = key == null ? uint.MaxValue : Unsafe.ReadUnaligned<uint>(key);
        if (index >= _maxEntries)
        {
            Unsafe.WriteUnaligned(nextKey, 0u);
            return 0;
        }

        if (index == _maxEntries - 1)
        {
            return -BpfErrno.ENOENT;
        }

        Unsafe.WriteUnaligned(nextKey, index + 1);
        return 0;
    }

    /// <inheritdoc />
    protected override void FreeNative() => NativeMemory.AlignedFree(_data);
}
