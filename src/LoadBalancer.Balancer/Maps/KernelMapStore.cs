using LoadBalancer.Ebpf.Kernel;

namespace LoadBalancer.Balancer.Maps;

/// <summary>A kernel map (<see cref="KernelMap"/>, through bpf(2)) as an <see cref="IMapStore"/>: the reference in tests.</summary>
public sealed class KernelMapStore : IMapStore
{
    private readonly KernelMap _map;

    /// <summary>Wraps <paramref name="map"/>.</summary>
    public KernelMapStore(KernelMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        _map = map;
    }

    /// <inheritdoc />
    public string Name => _map.Name;

    /// <inheritdoc />
    public int KeySize => (int)_map.KeySize;

    /// <inheritdoc />
    public int ValueSize => (int)_map.ValueSize;

    /// <inheritdoc />
    public bool IsPerCpu => _map.IsPerCpu;

    /// <inheritdoc />
    public int PerCpuStride => (ValueSize + 7) & ~7;

    /// <inheritdoc />
    public int CpuSlots => _map.IsPerCpu ? _map.UserValueSize / PerCpuStride : 1;

    /// <inheritdoc />
    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value) => _map.Lookup(key, value);

    /// <inheritdoc />
    public bool TryLookupPerCpu(ReadOnlySpan<byte> key, Span<byte> values) => _map.Lookup(key, values);

    /// <inheritdoc />
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _map.Update(key, value);

    /// <inheritdoc />
    public bool Delete(ReadOnlySpan<byte> key) => _map.Delete(key);

    /// <inheritdoc />
    public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey) => _map.GetNextKey(key, nextKey);
}
