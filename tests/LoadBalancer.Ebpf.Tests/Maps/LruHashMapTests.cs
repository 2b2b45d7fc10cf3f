using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Maps;

public sealed unsafe class LruHashMapTests
{
    private static HashMap Create(uint max, MapType type = MapType.LruHash, int cpus = 1) =>
        (HashMap)MapFactory.Create(new MapDefinition("flows", type, 8, 8, max), cpus);

    [Theory]
    [InlineData(1000u)]
    [InlineData(50_000u)]
    public void Full_map_evicts_instead_of_failing_and_keeps_recently_used_keys(uint max)
    {
        using var map = Create(max);
        const ulong hot = 100;
        for (ulong k = 0; k < 4 * (ulong)max; k++)
        {
            if (k >= hot && k % 50 == 0)
            {
                for (ulong h = 0; h < hot; h++)
                {
                    ulong key = h;
                    Assert.True(map.Lookup((byte*)&key, 0) != null, $"hot key {h} was evicted");
                }
            }

            map.Update(k, k);
        }

        Assert.Equal((int)max, map.Count);
        Assert.True(map.Evictions >= (3L * max) - (long)hot);
        for (ulong h = 0; h < hot; h++)
        {
            Assert.Equal(h, map.Lookup<ulong, ulong>(h));
        }

        ulong newest = (4 * (ulong)max) - 1;
        Assert.Equal(newest, map.Lookup<ulong, ulong>(newest));
    }

    [Fact]
    public void Control_plane_reads_do_not_count_as_use()
    {
        using var map = Create(16);
        for (ulong k = 0; k < 16; k++)
        {
            map.Update(k, k);
        }

        // New keys start unreferenced and the hand starts at the oldest, so key 0 goes first.
        map.Update(100UL, 0UL);
        for (ulong k = 1; k < 16; k++)
        {
            map.TryLookup(k, out ulong _);
        }

        Assert.False(map.TryLookup(0UL, out ulong _));
        ulong one = 1;
        Assert.True(map.Lookup((byte*)&one, 0) != null);
        map.Update(101UL, 0UL);
        Assert.True(map.TryLookup(1UL, out ulong _));
        Assert.False(map.TryLookup(2UL, out ulong _));
    }

    [Fact]
    public void Flags_follow_the_kernel_including_refusing_lock()
    {
        using var map = Create(4);
        ulong k = 1, v = 2;
        Assert.Equal(-BpfErrno.ENOENT, map.Update((byte*)&k, (byte*)&v, 2, 0));
        Assert.Equal(0, map.Update((byte*)&k, (byte*)&v, 1, 0));
        Assert.Equal(-BpfErrno.EEXIST, map.Update((byte*)&k, (byte*)&v, 1, 0));
        Assert.Equal(-BpfErrno.EINVAL, map.Update((byte*)&k, (byte*)&v, 4, 0));
    }

    [Fact]
    public void Per_cpu_lru_evicts_whole_elements()
    {
        using var map = Create(8, MapType.LruPercpuHash, cpus: 2);
        for (ulong k = 0; k < 20; k++)
        {
            ulong value = k;
            Assert.Equal(0, map.Update((byte*)&k, (byte*)&value, 0, (int)(k % 2)));
        }

        Assert.Equal(8, map.Count);
        Assert.Equal(new ulong[] { 0, 19 }, map.LookupPerCpu<ulong, ulong>(19UL));
    }

    [Fact]
    public void No_prealloc_is_refused_for_lru_like_the_kernel()
    {
        var ex = Assert.Throws<MapException>(() => MapFactory.Create(new MapDefinition("flows", MapType.LruHash, 8, 8, 16, Flags: 1), 1));
        Assert.Contains("BPF_F_NO_PREALLOC", ex.Message);
    }

    [Fact]
    public void Million_entry_flow_table_fits_the_footprint_target()
    {
        using var map = (HashMap)MapFactory.Create(new MapDefinition("flows", MapType.LruHash, 40, 8, 1 << 20), 1);
        long total = map.NativeBytes + map.ManagedBytes;
        Assert.True(total <= 128L << 20, $"{total >> 20} MiB");
    }
}
