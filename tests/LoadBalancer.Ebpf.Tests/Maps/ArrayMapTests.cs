using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Maps;

public sealed unsafe class ArrayMapTests
{
    private static BpfMap Create(MapType type = MapType.Array, uint value = 8, uint max = 4, int cpus = 1) =>
        MapFactory.Create(new MapDefinition("arr", type, 4, value, max), cpus);

    [Fact]
    public void Values_start_zeroed_and_updates_are_read_back()
    {
        using var map = Create();
        Assert.Equal(0UL, map.Lookup<uint, ulong>(3));
        map.Update(2u, 0x1122334455667788UL);
        Assert.Equal(0x1122334455667788UL, map.Lookup<uint, ulong>(2));
    }

    [Fact]
    public void Update_flags_and_range_give_the_kernel_errnos()
    {
        using var map = Create();
        ulong v = 1;
        uint inRange = 1, outOfRange = 4;
        Assert.Equal(0, map.Update((byte*)&inRange, (byte*)&v, 0, 0));
        Assert.Equal(0, map.Update((byte*)&inRange, (byte*)&v, 2, 0));
        Assert.Equal(-BpfErrno.EEXIST, map.Update((byte*)&inRange, (byte*)&v, 1, 0));
        Assert.Equal(-BpfErrno.E2BIG, map.Update((byte*)&outOfRange, (byte*)&v, 0, 0));
        Assert.Equal(-BpfErrno.EINVAL, map.Update((byte*)&inRange, (byte*)&v, 3, 0));
        Assert.Equal(-BpfErrno.EINVAL, map.Update((byte*)&inRange, (byte*)&v, 4, 0));
        Assert.Equal(-BpfErrno.EINVAL, map.Delete((byte*)&inRange));
        Assert.True(map.Lookup((byte*)&outOfRange, 0) == null);
    }

    [Fact]
    public void Control_plane_errors_name_the_map_and_errno()
    {
        using var map = Create();
        var ex = Assert.Throws<MapException>(() => map.Update(9u, 1UL));
        Assert.Equal(BpfErrno.E2BIG, ex.Errno);
        Assert.Contains("'arr'", ex.Message);
        Assert.Throws<MapException>(() => map.Delete(1u));
        Assert.Throws<MapException>(() => map.Update(1u, 1u));
    }

    [Fact]
    public void Next_key_walks_every_index_then_reports_enoent()
    {
        using var map = Create();
        Assert.Equal(new uint[] { 0, 1, 2, 3 }, map.GetKeys<uint>());
        uint last = 3, outOfRange = 77, next;
        Assert.Equal(-BpfErrno.ENOENT, map.GetNextKey((byte*)&last, (byte*)&next));
        Assert.Equal(0, map.GetNextKey((byte*)&outOfRange, (byte*)&next));
        Assert.Equal(0u, next);
    }

    [Fact]
    public void Per_cpu_array_keeps_one_value_per_cpu()
    {
        using var map = Create(MapType.PercpuArray, cpus: 3);
        uint key = 1;
        for (int cpu = 0; cpu < 3; cpu++)
        {
            *(ulong*)map.Lookup((byte*)&key, cpu) += (ulong)(cpu + 1) * 10;
        }

        Assert.Equal(new ulong[] { 10, 20, 30 }, map.LookupPerCpu<uint, ulong>(key));
        Assert.True(map.Lookup((byte*)&key, 3) == null);
        map.Update(key, 5UL);
        Assert.Equal(new ulong[] { 5, 5, 5 }, map.LookupPerCpu<uint, ulong>(key));
        map.UpdatePerCpu(key, new ulong[] { 7, 8, 9 });
        Assert.Equal(new ulong[] { 7, 8, 9 }, map.LookupPerCpu<uint, ulong>(key));
        Assert.Throws<MapException>(() => map.TryLookup(1u, out ulong _));
    }

    [Fact]
    public void Handle_resolves_back_to_the_map_and_header_describes_the_layout()
    {
        using var map = Create(value: 12, max: 10);
        Assert.Same(map, BpfMap.FromHandle(map.Handle));
        MapHeader* header = (MapHeader*)map.Handle;
        Assert.Equal(16u, header->ValueStride);
        uint key = 9;
        Assert.Equal((nint)map.Lookup((byte*)&key, 0), header->Data + (9 * 16));
        var region = Assert.Single(map.ValueRegions);
        Assert.Equal(160, region.Length);
    }

    [Fact]
    public void Global_data_starts_with_the_section_bytes()
    {
        using var map = MapFactory.Create(new MapDefinition(".rodata", MapType.Array, 4, 6, 1) { InitialData = [1, 2, 3] }, 1);
        var value = new byte[6];
        Assert.True(map.TryLookup(new byte[4], value));
        Assert.Equal(new byte[] { 1, 2, 3, 0, 0, 0 }, value);
    }

    [Theory]
    [InlineData(8u, 8u, 4u)]
    [InlineData(4u, 0u, 4u)]
    [InlineData(4u, 8u, 0u)]
    public void Impossible_definitions_are_refused(uint key, uint value, uint max)
    {
        var ex = Assert.Throws<MapException>(() => MapFactory.Create(new MapDefinition("bad", MapType.Array, key, value, max), 1));
        Assert.Contains("'bad'", ex.Message);
    }

    [Fact]
    public void Disposed_map_no_longer_resolves_and_refuses_control_plane_calls()
    {
        var map = Create();
        nint handle = map.Handle;
        Assert.NotNull(BpfMap.FromHandle(handle));
        map.Dispose();
        Assert.Throws<MapException>(() => map.Update(1u, 1UL));
    }
}
