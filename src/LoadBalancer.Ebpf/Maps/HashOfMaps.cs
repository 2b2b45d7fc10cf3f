using LoadBalancer.Ebpf.Maps.Internal;

namespace LoadBalancer.Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_HASH_OF_MAPS: a hash whose values are inner maps set by the control plane with
/// <see cref="SetInner"/>. A program's <see cref="Lookup"/> returns a pointer to the 8-byte value holding
/// the inner map's <see cref="BpfMap.Handle"/> (the helper layer dereferences it); programs cannot
/// update it (-EINVAL). Storage is a <see cref="HashMap"/> of handles, with its lock-free lookups.
/// </summary>
public sealed unsafe class HashOfMaps : BpfMap
{
    private readonly HashMap _table;

    internal HashOfMaps(MapDefinition definition, int cpuCount)
        : base(definition, cpuCount)
    {
        _table = new HashMap(new MapDefinition(definition.Name, MapType.Hash, definition.KeySize, 8, definition.MaxEntries), 1, lru: false);
    }

    /// <inheritdoc />
    public override IReadOnlyList<(nint Start, nint Length)> ValueRegions => _table.ValueRegions;

    /// <inheritdoc />
    public override long NativeBytes => _table.NativeBytes + sizeof(MapHeader);

    /// <summary>Maps <paramref name="key"/> to <paramref name="inner"/> under <paramref name="flags"/>.</summary>
    /// <exception cref="MapException">Template mismatch, flags refused, or the map is full.</exception>
    public void SetInner(ReadOnlySpan<byte> key, BpfMap inner, UpdateFlags flags = UpdateFlags.Any)
    {
        ThrowIfDisposed();
        CheckKey(key);
        InnerMaps.CheckCompatible(this, inner);
        nint handle = inner.Handle;
        fixed (byte* k = key)
        {
            int rc = _table.Update(k, (byte*)&handle, (ulong)flags, 0);
            if (rc != 0)
            {
                throw new MapException(Name, $"setting inner map '{inner.Name}' failed with {BpfErrno.Name(rc)}", -rc);
            }
        }
    }

    /// <summary>The inner map stored under <paramref name="key"/>, or null.</summary>
    public BpfMap? GetInner(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        fixed (byte* k = key)
        {
            byte* slot = _table.Lookup(k, 0);
            return slot == null ? null : FromHandle(*(nint*)slot);
        }
    }

    /// <inheritdoc />
    public override byte* Lookup(byte* key, int cpu) => _table.Lookup(key, 0);

    /// <summary>Programs cannot update map-in-map values: -EINVAL (control plane: <see cref="SetInner"/>).</summary>
    public override int Update(byte* key, byte* value, ulong flags, int cpu) => -BpfErrno.EINVAL;

    /// <inheritdoc />
    public override int Delete(byte* key) => _table.Delete(key);

    /// <inheritdoc />
    public override int GetNextKey(byte* key, byte* nextKey) => _table.GetNextKey(key, nextKey);

    /// <inheritdoc />
    protected override void FreeNative() => _table.Dispose();
}
