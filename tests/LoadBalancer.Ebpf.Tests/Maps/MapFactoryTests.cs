using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Maps;

public sealed unsafe class MapFactoryTests
{
    [Theory]
    [InlineData(MapType.Array, typeof(ArrayMap))]
    [InlineData(MapType.PercpuArray, typeof(ArrayMap))]
    [InlineData(MapType.Hash, typeof(HashMap))]
    [InlineData(MapType.PercpuHash, typeof(HashMap))]
    [InlineData(MapType.LruHash, typeof(LruHashMap))]
    [InlineData(MapType.LruPercpuHash, typeof(LruHashMap))]
    public void Keyed_types_get_their_implementation(MapType type, Type expected)
    {
        using var map = MapFactory.Create(new MapDefinition("m", type, 4, 8, 8), 2);
        Assert.IsType(expected, map);
        Assert.Equal(type is MapType.PercpuArray or MapType.PercpuHash or MapType.LruPercpuHash, map.IsPerCpu);
        Assert.Equal(type, ((LoadBalancer.Ebpf.Maps.MapHeader*)map.Handle)->Type);
    }

    [Fact]
    public void Unsupported_type_is_refused_with_the_map_name()
    {
        var ex = Assert.Throws<MapException>(() => MapFactory.Create(new MapDefinition("traces", MapType.StackTrace, 4, 8, 8), 1));
        Assert.Contains("'traces'", ex.Message);
        Assert.Contains("StackTrace", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5000)]
    public void Cpu_count_must_be_sensible(int cpus)
    {
        Assert.Throws<MapException>(() => MapFactory.Create(new MapDefinition("m", MapType.Array, 4, 8, 8), cpus));
    }

    [Fact]
    public void Zero_max_entries_is_refused_for_every_type()
    {
        foreach (var type in new[] { MapType.Array, MapType.Hash, MapType.LruHash, MapType.Queue, MapType.RingBuf })
        {
            var ex = Assert.Throws<MapException>(() => MapFactory.Create(new MapDefinition("m", type, 4, 8, 0), 1));
            Assert.Contains("max_entries", ex.Message);
        }
    }

    [Fact]
    public void Per_cpu_values_over_32_KiB_are_refused()
    {
        var ex = Assert.Throws<MapException>(() => MapFactory.Create(new MapDefinition("m", MapType.PercpuArray, 4, 40_000, 1), 1));
        Assert.Equal(BpfErrno.E2BIG, ex.Errno);
    }

    [Fact]
    public void Handle_of_zero_resolves_to_nothing()
    {
        Assert.Null(BpfMap.FromHandle(0));
    }
}
