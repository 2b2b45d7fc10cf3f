using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Maps.Internal;

namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_ARRAY_OF_MAPS: slots holding inner maps, set by the control plane with
/// <see cref="SetInner"/>. A program's <see cref="Lookup"/> returns a pointer to the 8-byte slot holding
/// the inner map's <see cref="BpfMap.Handle"/> (null when the slot is empty); the kernel's lookup
/// yields the inner map itself, so the helper layer dereferences it (<c>*(nint*)p</c>). Programs cannot
/// update the slots (-EINVAL), as in the kernel.
/// </summary>
public sealed unsafe class ArrayOfMaps : BpfMap
{
    private readonly nint* _slots;
    private readonly uint _max;
    private readonly BpfMap?[] _inner;
    private readonly object _lock = new();
    private readonly (nint, nint)[] _regions;

    internal ArrayOfMaps(MapDefinition definition, int cpuCount)
        : base(definition, cpuCount)
    {
        _max = definition.MaxEntries;
        _slots = (nint*)NativeMemory.AlignedAlloc((nuint)(_max * 8), 64);
        NativeMemory.Clear(_slots, (nuint)(_max * 8));
        _inner = new BpfMap?[_max];
        _regions = [((nint)_slots, (nint)(_max * 8))];
    }

    /// <inheritdoc />
    public override IReadOnlyList<(nint Start, nint Length)> ValueRegions => _regions;

    /// <inheritdoc />
    public override long NativeBytes => (_max * 8L) + sizeof(MapHeader);

    /// <summary>Places <paramref name="inner"/> in slot <paramref name="index"/> (replacing any map there).</summary>
    /// <exception cref="MapException">Index out of range, or the inner map does not match the template.</exception>
    public void SetInner(uint index, BpfMap inner)
    {
        ThrowIfDisposed();
        InnerMaps.CheckCompatible(this, inner);
        if (index >= _max)
        {
            throw new MapException(Name, $"index {index} is out of range (max_entries {_max})", BpfErrno.E2BIG);
        }

        lock (_lock)
        {
            _inner[index] = inner;
            Volatile.Write(ref _slots[index], inner.Handle);
        }
    }

    /// <summary>Empties slot <paramref name="index"/>; false when it was empty.</summary>
    public bool ClearInner(uint index)
    {
        ThrowIfDisposed();
        uint key = index;
        int rc = Delete((byte*)&key);
        return rc == 0 || (rc == -BpfErrno.ENOENT ? false : throw new MapException(Name, $"index {index} is out of range (max_entries {_max})", BpfErrno.E2BIG));
    }

    /// <summary>The inner map in slot <paramref name="index"/>, or null.</summary>
    public BpfMap? GetInner(uint index) => index < _max ? Volatile.Read(ref _inner[index]) : null;

    /// <inheritdoc />
    public override byte* Lookup(byte* key, int cpu)
    {
        uint index = Unsafe.ReadUnaligned<uint>(key);
        return index < _max && Volatile.Read(ref _slots[index]) != 0 ? (byte*)(_slots + index) : null;
    }

    /// <summary>Programs cannot update map-in-map slots: -EINVAL (control plane: <see cref="SetInner"/>).</summary>
    public override int Update(byte* key, byte* value, ulong flags, int cpu) => -BpfErrno.EINVAL;

    /// <inheritdoc />
    public override int Delete(byte* key)
    {
        uint index = Unsafe.ReadUnaligned<uint>(key);
        if (index >= _max)
        {
            return -BpfErrno.E2BIG;
        }

        lock (_lock)
        {
            if (_slots[index] == 0)
            {
                return -BpfErrno.ENOENT;
            }

            Volatile.Write(ref _slots[index], 0);
            _inner[index] = null;
            return 0;
        }
    }

    /// <inheritdoc />
    public override int GetNextKey(byte* key, byte* nextKey) => InnerMaps.NextIndex(key, nextKey, _max);

    /// <inheritdoc />
    protected override void FreeNative() => NativeMemory.AlignedFree(_slots);
}
