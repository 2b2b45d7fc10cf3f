using LoadBalancer.Balancer.Maps;

namespace LoadBalancer.Balancer.Tests.Control;

/// <summary>An <see cref="IMapStore"/> decorator that counts updates and deletes (and can record the keys).</summary>
internal sealed class CountingMapStore(IMapStore inner) : IMapStore
{
    public int Updates { get; set; }

    public int Deletes { get; set; }

    public string Name => inner.Name;

    public int KeySize => inner.KeySize;

    public int ValueSize => inner.ValueSize;

    public bool IsPerCpu => inner.IsPerCpu;

    public int CpuSlots => inner.CpuSlots;

    public int PerCpuStride => inner.PerCpuStride;

    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value) => inner.TryLookup(key, value);

    public bool TryLookupPerCpu(ReadOnlySpan<byte> key, Span<byte> values) => inner.TryLookupPerCpu(key, values);

    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Updates++;
        inner.Update(key, value);
    }

    public bool Delete(ReadOnlySpan<byte> key)
    {
        Deletes++;
        return inner.Delete(key);
    }

    public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey) => inner.TryGetNextKey(key, nextKey);
}
