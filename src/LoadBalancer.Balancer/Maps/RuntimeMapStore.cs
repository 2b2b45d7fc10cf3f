using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Balancer.Maps;

/// <summary>A map of the project's runtime (<see cref="BpfMap"/>) as an <see cref="IMapStore"/>.</summary>
public sealed class RuntimeMapStore : IMapStore
{
    private readonly BpfMap _map;

    /// <summary>Wraps <paramref name="map"/>.</summary>
    public RuntimeMapStore(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        _map = map;
    }

    /// <inheritdoc />
    public string Name => _map.Name;

    /// <inheritdoc />
    public int KeySize => _map.KeySize;

    /// <inheritdoc />
    public int ValueSize => _map.ValueSize;

    /// <inheritdoc />
    public bool IsPerCpu => _map.IsPerCpu;

    /// <inheritdoc />
    public int CpuSlots => _map.IsPerCpu ? _map.CpuCount : 1;

    /// <inheritdoc />
    public int PerCpuStride => _map.PerCpuValueStride;

    /// <inheritdoc />
    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value) => _map.TryLookup(key, value);

    /// <inheritdoc />
    public bool TryLookupPerCpu(ReadOnlySpan<byte> key, Span<byte> values) => _map.TryLookupPerCpu(key, values);

    /// <inheritdoc />
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _map.Update(key, value);

    /// <inheritdoc />
    public bool Delete(ReadOnlySpan<byte> key) => _map.Delete(key);

    /// <inheritdoc />
    public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey) => _map.TryGetNextKey(key, nextKey);
}
