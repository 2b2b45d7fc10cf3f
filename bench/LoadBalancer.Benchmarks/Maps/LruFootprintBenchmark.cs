using BenchmarkDotNet.Attributes;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Benchmarks.Maps;

/// <summary>
/// Footprint of the flow table the balancer uses: LRU_HASH, 1 M entries, 40-byte key, 8-byte value,
/// created and filled. The Allocated column is the managed part (index arrays, free lists); the
/// native element pools are printed as "// Footprint:" lines in the log (target: ≤ 128 MiB in total).
/// </summary>
[MemoryDiagnoser]
public unsafe class LruFootprintBenchmark
{
    private const int Entries = 1 << 20;

    /// <summary>Creates, fills and frees the 1 M-entry LRU map; prints its accounted bytes.</summary>
    [Benchmark]
    public long Lru_1M_flows_create_and_fill()
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        using var map = (HashMap)MapFactory.Create(new MapDefinition("flows", MapType.LruHash, 40, 8, Entries), 1);
        byte* key = stackalloc byte[40];
        new Span<byte>(key, 40).Clear();
        for (int i = 0; i < Entries; i++)
        {
            *(int*)key = i;
            *(long*)(key + 8) = i * 31L;
            long value = i;
            map.Update(key, (byte*)&value, 0, 0);
        }

        long managed = GC.GetTotalAllocatedBytes(precise: true) - before;
        long total = map.NativeBytes + managed;
        Console.WriteLine($"// Footprint: {map.Count} flows, native {map.NativeBytes / 1048576.0:F1} MiB, managed allocated {managed / 1048576.0:F1} MiB, total {total / 1048576.0:F1} MiB, {total / (double)map.Count:F1} B/flow");
        return total;
    }
}
