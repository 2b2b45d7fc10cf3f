using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Maps.Internal;

namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_DEVMAP and XSKMAP, minimal: an array of redirect targets (value: u32 ifindex or queue
/// id, DEVMAP also 8-byte <c>struct bpf_devmap_val</c>) that <c>bpf_redirect_map</c> reads. A slot whose
/// first u32 is 0 is empty: lookup gives null. Unlike ARRAY, slots can be deleted.
/// </summary>
public sealed unsafe class DeviceMap : BpfMap
{
    private readonly byte* _data;
    private readonly uint _max;
    private readonly int _stride;
    private readonly (nint, nint)[] _regions;

    internal DeviceMap(MapDefinition definition, int cpuCount)
        : base(definition, cpuCount)
    {
        _max = definition.MaxEntries;
        _stride = (ValueSize + 7) & ~7;
        _data = (byte*)NativeMemory.AlignedAlloc((nuint)(_max * (long)_stride), 64);
        NativeMemory.Clear(_data, (nuint)(_max * (long)_stride));
        _regions = [((nint)_data, (nint)(_max * (long)_stride))];
        Header->Data = (nint)_data;
        Header->ValueStride = (uint)_stride;
    }

    /// <inheritdoc />
    public override IReadOnlyList<(nint Start, nint Length)> ValueRegions => _regions;

    /// <inheritdoc />
    public override long NativeBytes => (_max * (long)_stride) + sizeof(MapHeader);

    /// <summary>The target in slot <paramref name="index"/> (0 = empty or out of range). Never throws.</summary>
    public uint Target(uint index) => index < _max ? Volatile.Read(ref *(uint*)(_data + ((nint)index * _stride))) : 0;

    /// <inheritdoc />
    public override byte* Lookup(byte* key, int cpu)
    {
        uint index = Unsafe.ReadUnaligned<uint>(key);
        return Target(index) == 0 ? null : _data + ((nint)index * _stride);
    }

    /// <inheritdoc />
    public override int Update(byte* key, byte* value, ulong flags, int cpu)
    {
        uint index = Unsafe.ReadUnaligned<uint>(key);
        if (flags > (ulong)UpdateFlags.Exist)
        {
            return -BpfErrno.EINVAL;
        }

        if (index >= _max)
        {
            return -BpfErrno.E2BIG;
        }

        if (flags == (ulong)UpdateFlags.NoExist)
        {
            return -BpfErrno.EEXIST;
        }

        byte* slot = _data + ((nint)index * _stride);
        Buffer.MemoryCopy(value + 4, slot + 4, ValueSize - 4, ValueSize - 4);
        Volatile.Write(ref *(uint*)slot, Unsafe.ReadUnaligned<uint>(value));
        return 0;
    }

    /// <inheritdoc />
    public override int Delete(byte* key)
    {
        uint index = Unsafe.ReadUnaligned<uint>(key);
        if (index >= _max)
        {
            return -BpfErrno.EINVAL;
        }

        Volatile.Write(ref *(uint*)(_data + ((nint)index * _stride)), 0u);
        return 0;
    }

    /// <inheritdoc />
    public override int GetNextKey(byte* key, byte* nextKey) => InnerMaps.NextIndex(key, nextKey, _max);

    /// <inheritdoc />
    protected override void FreeNative() => NativeMemory.AlignedFree(_data);
}
