using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Maps;

public sealed unsafe class HashMapTests
{
    private static BpfMap Create(MapType type = MapType.Hash, uint key = 8, uint value = 8, uint max = 16, int cpus = 1) =>
        MapFactory.Create(new MapDefinition("h", type, key, value, max), cpus);

    [Fact]
    public void Insert_lookup_replace_delete_round_trip()
    {
        using var map = Create();
        Assert.False(map.TryLookup(1UL, out ulong _));
        map.Update(1UL, 100UL);
        map.Update(2UL, 200UL);
        Assert.Equal(100UL, map.Lookup<ulong, ulong>(1));
        map.Update(1UL, 101UL);
        Assert.Equal(101UL, map.Lookup<ulong, ulong>(1));
        Assert.True(map.Delete(1UL));
        Assert.False(map.Delete(1UL));
        Assert.False(map.TryLookup(1UL, out ulong _));
        Assert.Equal(200UL, map.Lookup<ulong, ulong>(2));
    }

    [Fact]
    public void Flags_give_the_kernel_errnos()
    {
        using var map = Create();
        ulong k = 5, v = 1;
        Assert.Equal(-BpfErrno.ENOENT, map.Update((byte*)&k, (byte*)&v, 2, 0));
        Assert.Equal(0, map.Update((byte*)&k, (byte*)&v, 1, 0));
        Assert.Equal(-BpfErrno.EEXIST, map.Update((byte*)&k, (byte*)&v, 1, 0));
        Assert.Equal(0, map.Update((byte*)&k, (byte*)&v, 2, 0));
        Assert.Equal(-BpfErrno.EINVAL, map.Update((byte*)&k, (byte*)&v, 3, 0));
        Assert.Equal(-BpfErrno.EINVAL, map.Update((byte*)&k, (byte*)&v, 4, 0));
        ulong absent = 6;
        Assert.Equal(-BpfErrno.ENOENT, map.Delete((byte*)&absent));
    }

    [Fact]
    public void Full_map_refuses_new_keys_with_e2big_but_accepts_replacements()
    {
        using var map = Create(max: 16);
        for (ulong i = 0; i < 16; i++)
        {
            map.Update(i, i);
        }

        var ex = Assert.Throws<MapException>(() => map.Update(99UL, 1UL));
        Assert.Equal(BpfErrno.E2BIG, ex.Errno);
        for (int round = 0; round < 100; round++)
        {
            map.Update(3UL, (ulong)round);
        }

        Assert.Equal(99UL, map.Lookup<ulong, ulong>(3));
        map.Delete(4UL);
        map.Update(99UL, 1UL);
        Assert.Equal(16, ((HashMap)map).Count);
    }

    [Fact]
    public void Churn_through_tombstones_keeps_every_live_key_reachable()
    {
        using var map = Create(max: 1000);
        var live = new HashSet<ulong>();
        var random = new Random(7);
        for (int i = 0; i < 50_000; i++)
        {
            ulong key = (ulong)random.Next(3000);
            if (live.Count < 1000 && random.Next(2) == 0)
            {
                map.Update(key, key * 3);
                live.Add(key);
            }
            else if (live.Remove(key))
            {
                Assert.True(map.Delete(key));
            }
        }

        foreach (ulong key in live)
        {
            Assert.Equal(key * 3, map.Lookup<ulong, ulong>(key));
        }

        Assert.Equal(live.Count, ((HashMap)map).Count);
    }

    [Fact]
    public void Iteration_visits_every_key_once_across_shards()
    {
        using var map = Create(max: 20_000);
        for (ulong i = 0; i < 20_000; i++)
        {
            map.Update(i * 7919, i);
        }

        var keys = map.GetKeys<ulong>();
        Assert.Equal(20_000, keys.Count);
        Assert.Equal(20_000, new HashSet<ulong>(keys).Count);
        Assert.All(keys, k => Assert.Equal(0UL, k % 7919));
    }

    [Fact]
    public void Absent_key_in_get_next_key_restarts_from_the_first()
    {
        using var map = Create();
        map.Update(1UL, 1UL);
        map.Update(2UL, 2UL);
        ulong absent = 77, first, again;
        Assert.Equal(0, map.GetNextKey(null, (byte*)&first));
        Assert.Equal(0, map.GetNextKey((byte*)&absent, (byte*)&again));
        Assert.Equal(first, again);
    }

    [Fact]
    public void Odd_key_sizes_compare_every_byte()
    {
        using var map = Create(key: 13, value: 3);
        byte[] a = new byte[13], b = new byte[13];
        b[12] = 1;
        map.Update(a, new byte[] { 1, 1, 1 });
        map.Update(b, new byte[] { 2, 2, 2 });
        var value = new byte[3];
        Assert.True(map.TryLookup(b, value));
        Assert.Equal(new byte[] { 2, 2, 2 }, value);
        Assert.True(map.TryLookup(a, value));
        Assert.Equal(new byte[] { 1, 1, 1 }, value);
    }

    [Fact]
    public void Per_cpu_hash_program_update_touches_only_its_cpu()
    {
        using var map = Create(MapType.PercpuHash, cpus: 4);
        ulong key = 9, value = 5;
        Assert.Equal(0, map.Update((byte*)&key, (byte*)&value, 0, 2));
        Assert.Equal(new ulong[] { 0, 0, 5, 0 }, map.LookupPerCpu<ulong, ulong>(key));
        value = 6;
        Assert.Equal(0, map.Update((byte*)&key, (byte*)&value, 0, 1));
        Assert.Equal(new ulong[] { 0, 6, 5, 0 }, map.LookupPerCpu<ulong, ulong>(key));
        map.UpdatePerCpu(key, new ulong[] { 1, 2, 3, 4 });
        Assert.Equal(4UL, *(ulong*)map.Lookup((byte*)&key, 3));
        Assert.Equal(-BpfErrno.EINVAL, map.Update((byte*)&key, (byte*)&value, 0, 4));
    }

    [Fact]
    public void Value_regions_cover_every_lookup_pointer()
    {
        using var map = Create(max: 10_000);
        for (ulong i = 0; i < 10_000; i += 37)
        {
            map.Update(i, i);
            ulong key = i;
            nint p = (nint)map.Lookup((byte*)&key, 0);
            Assert.Contains(map.ValueRegions, r => p >= r.Start && p + 8 <= r.Start + r.Length);
        }
    }

    [Fact]
    public void Concurrent_readers_never_see_a_value_that_was_never_written()
    {
        using var map = Create(key: 8, value: 64, max: 64);
        const int keys = 8;
        var value = new byte[64];
        for (ulong k = 0; k < keys; k++)
        {
            map.Update(MemoryMarshal.AsBytes(new ReadOnlySpan<ulong>(in k)), value);
        }

        var stop = new StrongBox<bool>();
        long torn = 0, reads = 0;
        var readers = new Thread[2];
        for (int r = 0; r < readers.Length; r++)
        {
            int reader = 100 + r;
            readers[r] = new Thread(() =>
            {
                ulong key = 0;
                while (!Volatile.Read(ref stop.Value))
                {
                    key = (key + 1) % keys;
                    MapReaders.Enter(reader);
                    byte* v = map.Lookup((byte*)&key, 0);
                    var span = v == null ? default : new ReadOnlySpan<byte>(v, 64);
                    if (v == null || span.IndexOfAnyExcept(span[0]) >= 0)
                    {
                        Interlocked.Increment(ref torn);
                    }

                    MapReaders.Exit(reader);

                    Interlocked.Increment(ref reads);
                }
            });
            readers[r].Start();
        }

        var deadline = DateTime.UtcNow.AddMilliseconds(500);
        byte fill = 0;
        while (DateTime.UtcNow < deadline || Interlocked.Read(ref reads) < 10_000)
        {
            fill++;
            Array.Fill(value, fill);
            for (ulong k = 0; k < keys; k++)
            {
                map.Update(MemoryMarshal.AsBytes(new ReadOnlySpan<ulong>(in k)), value);
            }
        }

        Volatile.Write(ref stop.Value, true);
        foreach (var reader in readers)
        {
            reader.Join();
        }

        Assert.True(Interlocked.Read(ref torn) == 0, $"{torn} torn of {reads} reads");
    }

    [Fact]
    public void Concurrent_writers_on_disjoint_keys_and_readers_agree_with_a_model()
    {
        using var map = Create(key: 8, value: 32, max: 20_000);
        var models = new Dictionary<ulong, byte>[2];
        var stop = new StrongBox<bool>();
        long torn = 0, mismatches = 0;
        var threads = new List<Thread>();
        for (int w = 0; w < 2; w++)
        {
            int writer = w;
            models[w] = [];
            threads.Add(new Thread(() =>
            {
                var random = new Random(writer);
                var model = models[writer];
                var value = new byte[32];
                for (int i = 0; i < 60_000; i++)
                {
                    ulong key = ((ulong)random.Next(5000) * 2) + (ulong)writer;
                    byte fill = (byte)random.Next(1, 256);
                    if (random.Next(4) == 0)
                    {
                        if (model.Remove(key) != map.Delete(key))
                        {
                            Interlocked.Increment(ref mismatches);
                        }
                    }
                    else
                    {
                        Array.Fill(value, fill);
                        map.Update(MemoryMarshal.AsBytes(new ReadOnlySpan<ulong>(in key)), value);
                        model[key] = fill;
                    }
                }
            }));
        }

        for (int r = 0; r < 2; r++)
        {
            int reader = 110 + r;
            threads.Add(new Thread(() =>
            {
                var random = new Random(reader);
                while (!Volatile.Read(ref stop.Value))
                {
                    ulong key = (ulong)random.Next(10_000);
                    MapReaders.Enter(reader);
                    byte* v = map.Lookup((byte*)&key, 0);
                    if (v != null && new ReadOnlySpan<byte>(v, 32).IndexOfAnyExcept(v[0]) >= 0)
                    {
                        Interlocked.Increment(ref torn);
                    }

                    MapReaders.Exit(reader);
                }
            }));
        }

        threads.ForEach(t => t.Start());
        threads[0].Join();
        threads[1].Join();
        Volatile.Write(ref stop.Value, true);
        threads.ForEach(t => t.Join());

        Assert.Equal(0, Interlocked.Read(ref torn));
        Assert.Equal(0, Interlocked.Read(ref mismatches));
        Assert.Equal(models[0].Count + models[1].Count, ((HashMap)map).Count);
        var read = new byte[32];
        foreach (var model in models)
        {
            foreach (var (key, fill) in model)
            {
                Assert.True(map.TryLookup(MemoryMarshal.AsBytes(new ReadOnlySpan<ulong>(in key)), read));
                Assert.Equal(fill, read[31]);
            }
        }
    }

    [Theory]
    [InlineData(0u, 8u)]
    [InlineData(8u, 0u)]
    [InlineData(600u, 8u)]
    public void Impossible_hash_definitions_are_refused(uint key, uint value)
    {
        var ex = Assert.Throws<MapException>(() => Create(key: key, value: value));
        Assert.Contains("'h'", ex.Message);
    }

    [Fact]
    public void Map_over_the_memory_cap_is_refused_before_allocating()
    {
        var ex = Assert.Throws<MapException>(() => Create(key: 512, value: 1 << 20, max: 100_000));
        Assert.Equal(BpfErrno.ENOMEM, ex.Errno);
    }

    [Theory]
    [InlineData(MapType.Hash, 4u, 512u)]
    [InlineData(MapType.Hash, 8u, 512u)]
    [InlineData(MapType.Hash, 12u, 512u)]
    [InlineData(MapType.Hash, 16u, 512u)]
    [InlineData(MapType.Hash, 20u, 512u)]
    [InlineData(MapType.Hash, 24u, 512u)]
    [InlineData(MapType.Hash, 40u, 512u)]
    [InlineData(MapType.Hash, 20u, 20_000u)]
    [InlineData(MapType.Hash, 40u, 20_000u)]
    [InlineData(MapType.LruHash, 4u, 512u)]
    [InlineData(MapType.LruHash, 8u, 512u)]
    [InlineData(MapType.LruHash, 16u, 512u)]
    [InlineData(MapType.LruHash, 20u, 512u)]
    [InlineData(MapType.LruHash, 24u, 512u)]
    [InlineData(MapType.LruHash, 40u, 512u)]
    [InlineData(MapType.LruHash, 40u, 20_000u)]
    public void Data_path_lookup_update_delete_agree_with_a_model_at_each_key_size(MapType type, uint keySize, uint max)
    {
        // Lookups take the key-size-specialised path, updates and deletes the generic one: the map must agree
        // with a dictionary on random keys, including near misses that differ from a stored key in one byte.
        using var map = Create(type, keySize, 8, max);
        var random = new Random((int)keySize * 31 + (int)max);
        int size = (int)keySize;
        var universe = new byte[300][];
        for (int i = 0; i < universe.Length; i++)
        {
            universe[i] = new byte[size];
            if (i >= 150)
            {
                universe[i - 150].CopyTo(universe[i], 0);
                universe[i][random.Next(size)] ^= (byte)(1 << random.Next(8));
            }
            else
            {
                random.NextBytes(universe[i]);
            }
        }

        var model = new Dictionary<string, ulong>();
        for (int step = 0; step < 20_000; step++)
        {
            byte[] key = universe[random.Next(universe.Length)];
            string name = Convert.ToHexString(key);
            bool present = model.TryGetValue(name, out ulong expected);
            fixed (byte* k = key)
            {
                switch (random.Next(4))
                {
                    case 0:
                    case 1:
                        byte* value = map.Lookup(k, 0);
                        Assert.Equal(present, value != null);
                        if (present)
                        {
                            Assert.Equal(expected, *(ulong*)value);
                        }

                        break;
                    case 2:
                        ulong v = (ulong)step;
                        ulong flags = (ulong)random.Next(3);
                        int rc = map.Update(k, (byte*)&v, flags, 0);
                        int want = flags == 1 && present ? -BpfErrno.EEXIST : flags == 2 && !present ? -BpfErrno.ENOENT : 0;
                        Assert.Equal(want, rc);
                        if (rc == 0)
                        {
                            model[name] = v;
                        }

                        break;
                    default:
                        Assert.Equal(present ? 0 : -BpfErrno.ENOENT, map.Delete(k));
                        model.Remove(name);
                        break;
                }
            }
        }

        Assert.Equal(model.Count, ((HashMap)map).Count);
    }
}
