using System.Buffers.Binary;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Ebpf.Tests.Objects;

public sealed class ObjectLoaderMapTests
{
    private static MapDefinition Map(BpfObject obj, string name) => obj.Maps.Single(m => m.Name == name);

    [Fact]
    public void Btf_defined_maps_have_the_declared_types_sizes_and_flags()
    {
        var obj = TestObjects.Load("maps");
        Assert.Equal(new MapDefinition("array_map", MapType.Array, 4, 8, 16), Map(obj, "array_map"));
        Assert.Equal(new MapDefinition("percpu_array_map", MapType.PercpuArray, 4, 24, 8), Map(obj, "percpu_array_map"));
        Assert.Equal(new MapDefinition("hash_map", MapType.Hash, 8, 4, 1024, 1), Map(obj, "hash_map"));
        Assert.Equal(new MapDefinition("percpu_hash_map", MapType.PercpuHash, 4, 8, 512), Map(obj, "percpu_hash_map"));
        Assert.Equal(new MapDefinition("lru_hash_map", MapType.LruHash, 4, 8, 4096), Map(obj, "lru_hash_map"));
        Assert.Equal(new MapDefinition("lru_percpu_hash_map", MapType.LruPercpuHash, 4, 4, 2048), Map(obj, "lru_percpu_hash_map"));
        Assert.Equal(new MapDefinition("lpm_map", MapType.LpmTrie, 8, 4, 100, 1), Map(obj, "lpm_map"));
        Assert.Equal(new MapDefinition("prog_array", MapType.ProgArray, 4, 4, 4), Map(obj, "prog_array"));
        Assert.Equal(new MapDefinition("ringbuf", MapType.RingBuf, 0, 0, 4096), Map(obj, "ringbuf"));
        Assert.Equal(new MapDefinition("perf_map", MapType.PerfEventArray, 4, 4, 0) { Pinning = 1 }, Map(obj, "perf_map"));
    }

    [Fact]
    public void Map_in_map_declarations_carry_their_inner_template_and_initialisers()
    {
        var obj = TestObjects.Load("maps");
        var arrayOfMaps = Map(obj, "array_of_maps");
        Assert.Equal((MapType.ArrayOfMaps, 4u, 4u, 3u), (arrayOfMaps.Type, arrayOfMaps.KeySize, arrayOfMaps.ValueSize, arrayOfMaps.MaxEntries));
        Assert.Equal(new MapDefinition("array_of_maps.inner", MapType.Array, 4, 4, 4), arrayOfMaps.InnerMap);
        Assert.Equal([new(0u, "inner_a"), new(2u, "inner_b")], arrayOfMaps.SlotInitializers);

        var hashOfMaps = Map(obj, "hash_of_maps");
        Assert.Equal((MapType.HashOfMaps, 4u, 4u, 8u), (hashOfMaps.Type, hashOfMaps.KeySize, hashOfMaps.ValueSize, hashOfMaps.MaxEntries));
        Assert.Equal(new MapDefinition("hash_of_maps.inner", MapType.Hash, 2, 1, 32), hashOfMaps.InnerMap);
        Assert.Empty(hashOfMaps.SlotInitializers);
    }

    [Fact]
    public void A_prog_array_initialised_with_programs_names_them_per_slot()
    {
        var obj = TestObjects.Load("tailcall");
        var table = Assert.Single(obj.Maps);
        Assert.Equal((MapType.ProgArray, 4u, 4u, 4u), (table.Type, table.KeySize, table.ValueSize, table.MaxEntries));
        Assert.Equal([new(1u, "stage1"), new(2u, "stage2")], table.SlotInitializers);
        Assert.All(table.SlotInitializers, slot => Assert.NotNull(obj.FindProgram(slot.Value)));
    }

    [Fact]
    public void Legacy_maps_section_definitions_are_read_in_symbol_order()
    {
        var obj = TestObjects.Load("legacy");
        Assert.Equal(
            [new MapDefinition("counters", MapType.Array, 4, 8, 4), new MapDefinition("flows", MapType.LruHash, 12, 8, 1000)],
            obj.Maps);
        var kprobe = obj.FindProgram("legacy_kprobe")!;
        Assert.Equal(obj.FindMapIndex("flows"), kprobe.Instructions.Single(i => i.IsLddw).Imm);
    }

    [Fact]
    public void Global_data_sections_become_one_entry_array_maps_named_like_libbpf()
    {
        var obj = TestObjects.Load("globals");
        Assert.Equal(["globals.rodata", "globals.data", ".data.counters", "globals.bss"], obj.Maps.Select(m => m.Name));
        Assert.All(obj.Maps, m => Assert.Equal((MapType.Array, 4u, 1u), (m.Type, m.KeySize, m.MaxEntries)));
        Assert.Equal(0x80u, Map(obj, "globals.rodata").Flags);
        Assert.Equal(0u, Map(obj, "globals.data").Flags);
        Assert.Null(Map(obj, "globals.bss").InitialData);
        Assert.Equal(12u, Map(obj, "globals.bss").ValueSize);
    }

    [Fact]
    public void Globals_give_the_offset_of_each_variable_in_its_section_map()
    {
        var obj = TestObjects.Load("globals");
        var rodata = Map(obj, "globals.rodata").InitialData!;
        var dropPort = obj.FindGlobal("drop_port")!;
        var magic = obj.FindGlobal("magic")!;
        Assert.True(dropPort.IsReadOnly);
        Assert.Equal(53u, BinaryPrimitives.ReadUInt32LittleEndian(rodata.AsSpan((int)dropPort.Offset, (int)dropPort.Size)));
        Assert.Equal(0x1122334455667788UL, BinaryPrimitives.ReadUInt64LittleEndian(rodata.AsSpan((int)magic.Offset, (int)magic.Size)));

        var data = obj.FindGlobal("seen_packets")!;
        Assert.False(data.IsReadOnly);
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32LittleEndian(obj.Maps[data.MapIndex].InitialData.AsSpan((int)data.Offset, 4)));
        var lastLen = obj.FindGlobal("last_len")!;
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(obj.Maps[lastLen.MapIndex].InitialData.AsSpan((int)lastLen.Offset, 2)));

        var drops = obj.FindGlobal("drops")!;
        var passes = obj.FindGlobal("passes")!;
        Assert.Equal((".data.counters", 8u, 8u), (passes.SectionName, passes.Offset - drops.Offset, passes.Size));
        var bssMax = obj.FindGlobal("bss_max")!;
        Assert.Equal((obj.FindMapIndex("globals.bss"), 4u), (bssMax.MapIndex, bssMax.Size));
        Assert.Equal(8u, bssMax.Offset - obj.FindGlobal("bss_total")!.Offset);
    }

    [Theory]
    [InlineData("averyveryverylongname", new[] { "averyver.rodata", "averyver.data", ".data.counters", "averyver.bss" })]
    [InlineData("my-obj", new[] { "my_obj.rodata", "my_obj.data", ".data.counters", "my_obj.bss" })]
    [InlineData("", new[] { ".rodata", ".data", ".data.counters", ".bss" })]
    public void Global_data_map_names_follow_libbpf_truncation_and_sanitising(string objectName, string[] expected)
    {
        var obj = ObjectLoader.Load(TestObjects.Bytes("globals"), objectName);
        Assert.Equal(expected, obj.Maps.Select(m => m.Name));
        Assert.All(obj.Maps, m => Assert.True(m.Name.Length <= 15, $"{m.Name} exceeds BPF_OBJ_NAME_LEN - 1"));
    }
}
