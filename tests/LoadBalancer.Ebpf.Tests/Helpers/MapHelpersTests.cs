using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Helpers;

public sealed class MapHelpersTests
{
    private static readonly ulong EINVAL = unchecked((ulong)-BpfErrno.EINVAL);

    [Fact]
    public void Lookup_update_and_delete_work_on_a_registered_hash_map()
    {
        using var f = new HelperFixture();
        var map = f.Map(new MapDefinition("h", MapType.Hash, 4, 8, 16));
        f.Write(0, 7u);
        f.Write(8, 0x1122334455667788UL);
        Assert.Equal(0UL, MapHelpers.Lookup(f.Context, (ulong)map.Handle, f.At(0), 0, 0, 0));
        Assert.Equal(0UL, MapHelpers.Update(f.Context, (ulong)map.Handle, f.At(0), f.At(8), 0, 0));
        var value = MapHelpers.Lookup(f.Context, (ulong)map.Handle, f.At(0), 0, 0, 0);
        Assert.NotEqual(0UL, value);
        Assert.True(f.Context.IsAccessible(value, 8, write: true));
        Assert.Equal(0x1122334455667788UL, map.Lookup<uint, ulong>(7u));
        Assert.Equal(unchecked((ulong)-BpfErrno.EEXIST), MapHelpers.Update(f.Context, (ulong)map.Handle, f.At(0), f.At(8), (ulong)UpdateFlags.NoExist, 0));
        Assert.Equal(0UL, MapHelpers.Delete(f.Context, (ulong)map.Handle, f.At(0), 0, 0, 0));
        Assert.Equal(unchecked((ulong)-BpfErrno.ENOENT), MapHelpers.Delete(f.Context, (ulong)map.Handle, f.At(0), 0, 0, 0));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(0x1234UL)]
    [InlineData(ulong.MaxValue)]
    public void Unregistered_or_garbage_map_handles_are_refused_without_touching_memory(ulong handle)
    {
        using var f = new HelperFixture();
        Assert.Equal(0UL, MapHelpers.Lookup(f.Context, handle, f.At(0), 0, 0, 0));
        Assert.Equal(EINVAL, MapHelpers.Update(f.Context, handle, f.At(0), f.At(8), 0, 0));
        Assert.Equal(EINVAL, MapHelpers.Delete(f.Context, handle, f.At(0), 0, 0, 0));
        Assert.Equal(EINVAL, MapHelpers.Push(f.Context, handle, f.At(0), 0, 0, 0));
        Assert.Equal(EINVAL, MapHelpers.Pop(f.Context, handle, f.At(0), 0, 0, 0));
    }

    [Fact]
    public void A_map_that_exists_but_is_not_registered_is_refused()
    {
        using var f = new HelperFixture();
        var map = f.Map(new MapDefinition("a", MapType.Array, 4, 8, 4), register: false);
        Assert.Equal(0UL, MapHelpers.Lookup(f.Context, (ulong)map.Handle, f.At(0), 0, 0, 0));
    }

    [Fact]
    public void Key_and_value_pointers_outside_the_regions_are_refused()
    {
        using var f = new HelperFixture();
        var map = f.Map(new MapDefinition("h", MapType.Hash, 4, 8, 16));
        var outside = f.At(HelperFixture.MemorySize - 2); // the 4-byte key would run past the region
        Assert.Equal(0UL, MapHelpers.Lookup(f.Context, (ulong)map.Handle, outside, 0, 0, 0));
        Assert.Equal(EINVAL, MapHelpers.Update(f.Context, (ulong)map.Handle, f.At(0), outside, 0, 0));
        Assert.Equal(EINVAL, MapHelpers.Update(f.Context, (ulong)map.Handle, 16, f.At(8), 0, 0));
        Assert.Equal(EINVAL, MapHelpers.Delete(f.Context, (ulong)map.Handle, 16, 0, 0, 0));
    }

    [Fact]
    public void Without_a_registry_every_map_helper_fails()
    {
        using var f = new HelperFixture();
        var map = f.Map(new MapDefinition("a", MapType.Array, 4, 8, 4));
        f.Context.Maps = null;
        Assert.Equal(0UL, MapHelpers.Lookup(f.Context, (ulong)map.Handle, f.At(0), 0, 0, 0));
        Assert.Equal(EINVAL, MapHelpers.Update(f.Context, (ulong)map.Handle, f.At(0), f.At(8), 0, 0));
    }

    [Fact]
    public void Per_cpu_maps_use_the_processor_slot_and_refuse_processors_they_do_not_have()
    {
        using var f = new HelperFixture(cpuCount: 2);
        var map = f.Map(new MapDefinition("p", MapType.PercpuArray, 4, 8, 2));
        f.Write(0, 1u);
        f.Write(8, 99UL);
        f.Context.ProcessorId = 1;
        Assert.Equal(0UL, MapHelpers.Update(f.Context, (ulong)map.Handle, f.At(0), f.At(8), 0, 0));
        Assert.Equal([0UL, 99UL], map.LookupPerCpu<uint, ulong>(1u)!);
        f.Context.ProcessorId = 2;
        Assert.Equal(0UL, MapHelpers.Lookup(f.Context, (ulong)map.Handle, f.At(0), 0, 0, 0));
        Assert.Equal(EINVAL, MapHelpers.Update(f.Context, (ulong)map.Handle, f.At(0), f.At(8), 0, 0));
    }

    [Fact]
    public void Read_only_program_maps_give_read_only_values_and_refuse_updates()
    {
        using var f = new HelperFixture();
        var map = f.Map(new MapDefinition(".rodata", MapType.Array, 4, 8, 1, 0x80));
        var value = MapHelpers.Lookup(f.Context, (ulong)map.Handle, f.At(0), 0, 0, 0);
        Assert.NotEqual(0UL, value);
        Assert.True(f.Context.IsAccessible(value, 8, write: false));
        Assert.False(f.Context.IsAccessible(value, 8, write: true));
        Assert.Equal(unchecked((ulong)-BpfErrno.EPERM), MapHelpers.Update(f.Context, (ulong)map.Handle, f.At(0), f.At(8), 0, 0));
    }

    [Fact]
    public void Map_in_map_lookups_return_the_inner_map_handle_which_helpers_then_accept()
    {
        using var f = new HelperFixture();
        var template = new MapDefinition("inner", MapType.Array, 4, 4, 2);
        var outer = (ArrayOfMaps)f.Map(new MapDefinition("outer", MapType.ArrayOfMaps, 4, 4, 2) { InnerMap = template });
        var inner = f.Map(template, register: false);
        outer.SetInner(1, inner);
        f.Write(0, 1u);
        var handle = MapHelpers.Lookup(f.Context, (ulong)outer.Handle, f.At(0), 0, 0, 0);
        Assert.Equal((ulong)inner.Handle, handle);
        f.Write(0, 0u);
        var value = MapHelpers.Lookup(f.Context, handle, f.At(0), 0, 0, 0);
        Assert.NotEqual(0UL, value);
        Assert.True(f.Context.IsAccessible(value, 4, write: true));
    }

    [Fact]
    public void Queue_push_pop_and_peek_follow_the_kernel()
    {
        using var f = new HelperFixture();
        var queue = f.Map(new MapDefinition("q", MapType.Queue, 0, 4, 2));
        var handle = (ulong)queue.Handle;
        Assert.Equal(unchecked((ulong)-BpfErrno.ENOENT), MapHelpers.Pop(f.Context, handle, f.At(0), 0, 0, 0));
        foreach (var v in new uint[] { 10, 20 })
        {
            f.Write(0, v);
            Assert.Equal(0UL, MapHelpers.Push(f.Context, handle, f.At(0), 0, 0, 0));
        }

        f.Write(0, 30u);
        Assert.Equal(unchecked((ulong)-BpfErrno.E2BIG), MapHelpers.Push(f.Context, handle, f.At(0), 0, 0, 0));
        Assert.Equal(0UL, MapHelpers.Push(f.Context, handle, f.At(0), (ulong)UpdateFlags.Exist, 0, 0));
        Assert.Equal(0UL, MapHelpers.Peek(f.Context, handle, f.At(8), 0, 0, 0));
        Assert.Equal(20u, f.Read<uint>(8));
        Assert.Equal(0UL, MapHelpers.Pop(f.Context, handle, f.At(8), 0, 0, 0));
        Assert.Equal(0UL, MapHelpers.Pop(f.Context, handle, f.At(12), 0, 0, 0));
        Assert.Equal(30u, f.Read<uint>(12));
        var array = f.Map(new MapDefinition("a", MapType.Array, 4, 4, 1));
        Assert.Equal(EINVAL, MapHelpers.Push(f.Context, (ulong)array.Handle, f.At(0), 0, 0, 0));
    }
}
