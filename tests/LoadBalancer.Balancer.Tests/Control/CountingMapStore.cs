using LoadBalancer.Balancer.Maps;

namespace LoadBalancer.Balancer.Tests.Control;

/// <summary>An <see cref="IMapStore"/> decorator that counts updates and deletes (and can record the keys).</summary>
internal sealed class CountingMapStore(IMapStore inner) : IMapStore
{
    public int Updates { get; set; }

    public int Deletes { get; set; }

    /// <summary>Runs before each update (lets a test interleave dataplane packets into a control-plane change).</summary>
    public Action? BeforeUpdate { get; set; }

    /// <summary>Runs after each delete (as <see cref="BeforeUpdate"/>).</summary>
    public Action? AfterDelete { get; set; }

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
        BeforeUpdate?.Invoke();
        inner.Update(key, value);
    }

    public bool Delete(ReadOnlySpan<byte> key)
    {
        Deletes++;
        var deleted = inner.Delete(key);
        AfterDelete?.Invoke();
        return deleted;
    }

    public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey) => inner.TryGetNextKey(key, nextKey);
}
