using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Maps;

public sealed unsafe class MapInMapTests
{
    private static readonly MapDefinition Template = new("inner", MapType.Array, 4, 8, 4);

    [Fact]
    public void Program_lookup_yields_the_inner_handle_and_the_inner_value_is_reachable()
    {
        using var outer = (ArrayOfMaps)MapFactory.Create(new MapDefinition("outer", MapType.ArrayOfMaps, 4, 4, 2) { InnerMap = Template }, 1);
        using var inner = MapFactory.Create(Template with { Name = "ring0" }, 1);
        inner.Update(3u, 42UL);
        uint slot = 1;
        Assert.True(outer.Lookup((byte*)&slot, 0) == null);
        outer.SetInner(1, inner);

        byte* p = outer.Lookup((byte*)&slot, 0);
        Assert.True(p != null);
        var resolved = BpfMap.FromHandle(*(nint*)p);
        Assert.Same(inner, resolved);
        uint key = 3;
        Assert.Equal(42UL, *(ulong*)resolved!.Lookup((byte*)&key, 0));
        Assert.Same(inner, outer.GetInner(1));
        Assert.Equal(-BpfErrno.EINVAL, outer.Update((byte*)&slot, (byte*)&key, 0, 0));
        Assert.True(outer.ClearInner(1));
        Assert.False(outer.ClearInner(1));
        Assert.True(outer.Lookup((byte*)&slot, 0) == null);
    }

    [Fact]
    public void Inner_map_must_match_the_template()
    {
        using var outer = (ArrayOfMaps)MapFactory.Create(new MapDefinition("outer", MapType.ArrayOfMaps, 4, 4, 2) { InnerMap = Template }, 1);
        using var wrongSize = MapFactory.Create(Template with { MaxEntries = 5 }, 1);
        using var wrongType = MapFactory.Create(new MapDefinition("h", MapType.Hash, 4, 8, 4), 1);
        var ex = Assert.Throws<MapException>(() => outer.SetInner(0, wrongSize));
        Assert.Contains("'outer'", ex.Message);
        Assert.Contains("template", ex.Message);
        Assert.Throws<MapException>(() => outer.SetInner(0, wrongType));
        Assert.Throws<MapException>(() => outer.SetInner(2, MapFactory.Create(Template, 1)));
    }

    [Fact]
    public void Inner_map_flag_lets_sizes_differ()
    {
        var template = Template with { Flags = MapFactory.InnerMapFlag };
        using var outer = (ArrayOfMaps)MapFactory.Create(new MapDefinition("outer", MapType.ArrayOfMaps, 4, 4, 2) { InnerMap = template }, 1);
        using var bigger = MapFactory.Create(Template with { MaxEntries = 64 }, 1);
        outer.SetInner(0, bigger);
        Assert.Same(bigger, outer.GetInner(0));
    }

    [Fact]
    public void Hash_of_maps_maps_keys_to_inner_maps()
    {
        using var outer = (HashOfMaps)MapFactory.Create(new MapDefinition("vips", MapType.HashOfMaps, 8, 4, 16) { InnerMap = Template }, 1);
        using var a = MapFactory.Create(Template, 1);
        using var b = MapFactory.Create(Template, 1);
        outer.SetInner(BitConverter.GetBytes(7UL), a);
        outer.SetInner(BitConverter.GetBytes(8UL), b, UpdateFlags.NoExist);
        Assert.Equal(BpfErrno.EEXIST, Assert.Throws<MapException>(() => outer.SetInner(BitConverter.GetBytes(8UL), a, UpdateFlags.NoExist)).Errno);
        ulong key = 8;
        Assert.Same(b, BpfMap.FromHandle(*(nint*)outer.Lookup((byte*)&key, 0)));
        Assert.Same(a, outer.GetInner(BitConverter.GetBytes(7UL)));
        Assert.Equal(2, outer.GetKeys().Count);
        Assert.True(outer.Delete(8UL));
        Assert.True(outer.Lookup((byte*)&key, 0) == null);
    }

    [Fact]
    public void Map_in_map_definitions_need_a_template_and_a_four_byte_value()
    {
        Assert.Throws<MapException>(() => MapFactory.Create(new MapDefinition("o", MapType.ArrayOfMaps, 4, 4, 2), 1));
        Assert.Throws<MapException>(() => MapFactory.Create(new MapDefinition("o", MapType.ArrayOfMaps, 4, 8, 2) { InnerMap = Template }, 1));
        var nested = new MapDefinition("n", MapType.ArrayOfMaps, 4, 4, 2) { InnerMap = Template };
        Assert.Throws<MapException>(() => MapFactory.Create(new MapDefinition("o", MapType.HashOfMaps, 4, 4, 2) { InnerMap = nested }, 1));
    }
}
