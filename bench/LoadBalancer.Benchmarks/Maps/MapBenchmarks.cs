using System.Buffers.Binary;
using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Benchmarks.Maps;

/// <summary>
/// Lookup and update of the runtime's HASH, LRU_HASH and LPM_TRIE maps against Dictionary and
/// ConcurrentDictionary (the baseline) at 1K, 100K and 1M entries. Each invocation runs
/// <see cref="Batch"/> operations on keys drawn at random from the stored ones, so caches see a
/// realistic spread; figures are per operation.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public unsafe class MapBenchmarks
{
    private const int Batch = 4096;

    private ulong[] _keys = [];
    private ulong[] _lpmKeys = [];
    private ulong[] _lpmStored = [];
    private Dictionary<ulong, ulong> _dictionary = [];
    private ConcurrentDictionary<ulong, ulong> _concurrent = new();
    private BpfMap _hash = null!;
    private BpfMap _lru = null!;
    private BpfMap _lpm = null!;
    private ulong _next;

    /// <summary>Stored entries.</summary>
    [Params(1_000, 100_000, 1_000_000)]
    public int Entries { get; set; }

    private void CreateKeys()
    {
        var random = new Random(42);
        _keys = new ulong[Batch];
        for (int i = 0; i < Batch; i++)
        {
            _keys[i] = (ulong)random.Next(Entries) * 0x9E3779B97F4A7C15UL;
        }

        _next = (ulong)Entries;
    }

    /// <summary>Fills the dictionaries.</summary>
    [GlobalSetup(Targets = [nameof(Dictionary_lookup), nameof(Dictionary_update)])]
    public void SetupDictionary()
    {
        CreateKeys();
        _dictionary = new Dictionary<ulong, ulong>(Entries);
        for (int i = 0; i < Entries; i++)
        {
            _dictionary[(ulong)i * 0x9E3779B97F4A7C15UL] = (ulong)i;
        }
    }

    /// <summary>Fills the concurrent dictionary.</summary>
    [GlobalSetup(Targets = [nameof(ConcurrentDictionary_lookup), nameof(ConcurrentDictionary_update)])]
    public void SetupConcurrent()
    {
        CreateKeys();
        _concurrent = new ConcurrentDictionary<ulong, ulong>(Environment.ProcessorCount, Entries);
        for (int i = 0; i < Entries; i++)
        {
            _concurrent[(ulong)i * 0x9E3779B97F4A7C15UL] = (ulong)i;
        }
    }

    /// <summary>Fills the HASH map.</summary>
    [GlobalSetup(Targets = [nameof(Hash_lookup), nameof(Hash_update)])]
    public void SetupHash()
    {
        CreateKeys();
        _hash = Fill(MapType.Hash);
    }

    /// <summary>Fills the LRU_HASH map.</summary>
    [GlobalSetup(Targets = [nameof(LruHash_lookup), nameof(LruHash_update), nameof(LruHash_insert_with_eviction)])]
    public void SetupLru()
    {
        CreateKeys();
        _lru = Fill(MapType.LruHash);
    }

    /// <summary>Fills the LPM_TRIE with random IPv4 prefixes of /8../32.</summary>
    [GlobalSetup(Targets = [nameof(LpmTrie_lookup), nameof(LpmTrie_update)])]
    public void SetupLpm()
    {
        var random = new Random(42);
        _lpm = MapFactory.Create(new MapDefinition("routes", MapType.LpmTrie, 8, 8, (uint)Entries, Flags: 1), 1);
        var stored = new List<ulong>(Entries);
        var key = new byte[8];
        while (stored.Count < Entries)
        {
            int length = 8 + random.Next(25);
            uint address = (uint)random.Next() & (uint)(~0UL << (32 - length));
            BinaryPrimitives.WriteUInt32LittleEndian(key, (uint)length);
            BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(4), address);
            fixed (byte* k = key)
            {
                ulong value = (ulong)stored.Count;
                if (_lpm.Update(k, (byte*)&value, (ulong)UpdateFlags.NoExist, 0) == 0)
                {
                    stored.Add(BinaryPrimitives.ReadUInt64LittleEndian(key));
                }
            }
        }

        _lpmKeys = new ulong[Batch];
        _lpmStored = new ulong[Batch];
        for (int i = 0; i < Batch; i++)
        {
            _lpmStored[i] = stored[random.Next(stored.Count)];
            // Look up a /32 address inside a stored prefix (random host bits).
            ulong prefix = stored[random.Next(stored.Count)];
            int length = (int)(uint)prefix;
            uint network = BinaryPrimitives.ReverseEndianness((uint)(prefix >> 32));
            uint host = length == 32 ? 0 : (uint)random.Next() & (uint)((1UL << (32 - length)) - 1);
            _lpmKeys[i] = 32UL | ((ulong)BinaryPrimitives.ReverseEndianness(network | host) << 32);
        }
    }

    private BpfMap Fill(MapType type)
    {
        var map = MapFactory.Create(new MapDefinition(type.ToString(), type, 8, 8, (uint)Entries), 1);
        for (int i = 0; i < Entries; i++)
        {
            ulong key = (ulong)i * 0x9E3779B97F4A7C15UL;
            ulong value = (ulong)i;
            map.Update((byte*)&key, (byte*)&value, 0, 0);
        }

        return map;
    }

    /// <summary>Frees native maps.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _hash?.Dispose();
        _lru?.Dispose();
        _lpm?.Dispose();
    }

    /// <summary>Baseline lookup.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    [BenchmarkCategory("Lookup")]
    public ulong Dictionary_lookup()
    {
        ulong sum = 0;
        foreach (ulong key in _keys)
        {
            _dictionary.TryGetValue(key, out ulong value);
            sum += value;
        }

        return sum;
    }

    /// <summary>ConcurrentDictionary lookup.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("Lookup")]
    public ulong ConcurrentDictionary_lookup()
    {
        ulong sum = 0;
        foreach (ulong key in _keys)
        {
            _concurrent.TryGetValue(key, out ulong value);
            sum += value;
        }

        return sum;
    }

    /// <summary>HASH data-path lookup.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("Lookup")]
    public ulong Hash_lookup() => LookupAll(_hash, _keys);

    /// <summary>LRU_HASH data-path lookup (sets the reference bit).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("Lookup")]
    public ulong LruHash_lookup() => LookupAll(_lru, _keys);

    /// <summary>LPM_TRIE longest-prefix lookup of /32 addresses.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("Lookup")]
    public ulong LpmTrie_lookup() => LookupAll(_lpm, _lpmKeys);

    private static ulong LookupAll(BpfMap map, ulong[] keys)
    {
        ulong sum = 0;
        fixed (ulong* k = keys)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                byte* value = map.Lookup((byte*)(k + i), 0);
                sum += value == null ? 0 : *(ulong*)value;
            }
        }

        return sum;
    }

    /// <summary>Baseline update of existing keys.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    [BenchmarkCategory("Update")]
    public void Dictionary_update()
    {
        foreach (ulong key in _keys)
        {
            _dictionary[key] = key;
        }
    }

    /// <summary>ConcurrentDictionary update of existing keys.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("Update")]
    public void ConcurrentDictionary_update()
    {
        foreach (ulong key in _keys)
        {
            _concurrent[key] = key;
        }
    }

    /// <summary>HASH update of existing keys (fresh element published, old one retired).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("Update")]
    public int Hash_update() => UpdateAll(_hash, _keys);

    /// <summary>LRU_HASH update of existing keys.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("Update")]
    public int LruHash_update() => UpdateAll(_lru, _keys);

    /// <summary>LPM_TRIE replacement of stored prefixes' values.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("Update")]
    public int LpmTrie_update() => UpdateAll(_lpm, _lpmStored);

    /// <summary>LRU_HASH insert of new keys into the full map: every insert evicts.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("Update")]
    public int LruHash_insert_with_eviction()
    {
        int failures = 0;
        for (int i = 0; i < Batch; i++)
        {
            ulong key = _next++ * 0x9E3779B97F4A7C15UL;
            failures += _lru.Update((byte*)&key, (byte*)&key, 0, 0) != 0 ? 1 : 0;
        }

        return failures;
    }

    private static int UpdateAll(BpfMap map, ulong[] keys)
    {
        int failures = 0;
        fixed (ulong* k = keys)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                failures += map.Update((byte*)(k + i), (byte*)(k + i), 0, 0) != 0 ? 1 : 0;
            }
        }

        return failures;
    }
}
