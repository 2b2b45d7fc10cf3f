using LoadBalancer.Balancer.Maps;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>A map of either engine with the KernelMap-style calls the fixtures use.</summary>
internal sealed class HarnessMap(IMapStore store)
{
    public IMapStore Store { get; } = store;

    public bool Lookup(ReadOnlySpan<byte> key, Span<byte> value) => Store.TryLookup(key, value);

    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Store.Update(key, value);

    public bool Delete(ReadOnlySpan<byte> key) => Store.Delete(key);
}
