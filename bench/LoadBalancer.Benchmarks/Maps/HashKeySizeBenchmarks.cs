using BenchmarkDotNet.Attributes;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Benchmarks.Maps;

/// <summary>
/// Data-path lookup of HASH and LRU_HASH maps with the balancer's key sizes (4, 8, 20 = vip_key,
/// 40 = flow_key) at 1K and 100K entries, hit keys drawn at random from the stored ones; figures are per lookup.
/// </summary>
public unsafe class HashKeySizeBenchmarks
{
    private const int Batch = 4096;

    private byte[] _keys = [];
    private BpfMap _map = null!;

    /// <summary>Stored entries (1K: the table stays in cache, so the figure is the lookup's own work).</summary>
    [Params(1_000, 100_000)]
    public int Entries { get; set; }

    /// <summary>Key size in bytes.</summary>
    [Params(4, 8, 20, 40)]
    public int KeySize { get; set; }

    /// <summary>Map type.</summary>
    [Params(MapType.Hash, MapType.LruHash)]
    public MapType Type { get; set; }

    /// <summary>Fills the map with random keys and picks the lookup batch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _map = MapFactory.Create(new MapDefinition("k", Type, (uint)KeySize, 8, (uint)Entries), 1);
        var stored = new byte[Entries * KeySize];
        random.NextBytes(stored);
        fixed (byte* s = stored)
        {
            for (int i = 0; i < Entries; i++)
            {
                ulong value = (ulong)i;
                _map.Update(s + (i * KeySize), (byte*)&value, 0, 0);
            }
        }

        _keys = new byte[Batch * KeySize];
        for (int i = 0; i < Batch; i++)
        {
            stored.AsSpan(random.Next(Entries) * KeySize, KeySize).CopyTo(_keys.AsSpan(i * KeySize));
        }
    }

    /// <summary>Frees the map.</summary>
    [GlobalCleanup]
    public void Cleanup() => _map?.Dispose();

    /// <summary>Data-path lookup (LRU: sets the reference bit).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public ulong Lookup()
    {
        ulong sum = 0;
        int size = KeySize;
        fixed (byte* k = _keys)
        {
            for (int i = 0; i < Batch; i++)
            {
                byte* value = _map.Lookup(k + (i * size), 0);
                sum += value == null ? 0 : *(ulong*)value;
            }
        }

        return sum;
    }
}
