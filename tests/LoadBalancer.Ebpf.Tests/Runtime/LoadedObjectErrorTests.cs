using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Runtime;
using LoadBalancer.Ebpf.Tests.Execution;

namespace LoadBalancer.Ebpf.Tests.Runtime;

public sealed class LoadedObjectErrorTests
{
    private static BpfObject Object(MapDefinition[] maps, params Instruction[] code) => new()
    {
        Name = "handmade",
        Programs = [new ProgramDefinition { Name = "prog", SectionName = "xdp", Type = ProgramType.Xdp, Instructions = code }],
        Maps = maps,
        Globals = [],
        License = "GPL",
    };

    private static Instruction[] MapLddw(LddwSource source, int index, int offset = 0)
    {
        var (first, second) = Instruction.Lddw(1, 0, source);
        return [first with { Imm = index }, second with { Imm = offset }];
    }

    [Fact]
    public void The_address_of_a_hash_map_value_is_refused_with_the_program_and_pc()
    {
        var bpfObject = Object([new MapDefinition("h", MapType.Hash, 4, 8, 4)], [Asm.Mov64(0, 0), .. MapLddw(LddwSource.MapIndexValue, 0), Asm.Exit()]);
        var e = Assert.Throws<ObjectLoadException>(() => new LoadedObject(bpfObject));
        Assert.Contains("program 'prog' (section 'xdp') at PC 1", e.Message);
        Assert.Contains("'h'", e.Message);
    }

    [Fact]
    public void A_value_offset_outside_the_value_is_refused()
    {
        var bpfObject = Object([new MapDefinition("a", MapType.Array, 4, 8, 1)], [.. MapLddw(LddwSource.MapIndexValue, 0, 8), Asm.Mov64(0, 0), Asm.Exit()]);
        Assert.Contains("offset 8", Assert.Throws<ObjectLoadException>(() => new LoadedObject(bpfObject)).Message);
    }

    [Fact]
    public void A_map_index_beyond_the_objects_maps_is_refused()
    {
        var bpfObject = Object([], [.. MapLddw(LddwSource.MapIndex, 3), Asm.Mov64(0, 0), Asm.Exit()]);
        Assert.Contains("map index 3", Assert.Throws<ObjectLoadException>(() => new LoadedObject(bpfObject)).Message);
    }

    [Fact]
    public void Raw_map_fds_and_btf_ids_are_refused()
    {
        foreach (var source in new[] { LddwSource.MapFd, LddwSource.BtfId })
        {
            var bpfObject = Object([], [.. MapLddw(source, 0), Asm.Mov64(0, 0), Asm.Exit()]);
            Assert.Contains(source.ToString(), Assert.Throws<ObjectLoadException>(() => new LoadedObject(bpfObject)).Message);
        }
    }

    [Fact]
    public void Invalid_bytecode_is_reported_as_an_object_load_error()
    {
        var bpfObject = Object([], Asm.Mov64(0, 0)); // falls off the end
        var e = Assert.Throws<ObjectLoadException>(() => new LoadedObject(bpfObject));
        Assert.IsType<LoadBalancer.Ebpf.Validation.BytecodeException>(e.InnerException);
    }

    [Fact]
    public void A_map_the_runtime_cannot_create_names_the_map()
    {
        var bpfObject = Object([new MapDefinition("socks", MapType.SockMap, 4, 4, 4)], Asm.Mov64(0, 0), Asm.Exit());
        var e = Assert.Throws<ObjectLoadException>(() => new LoadedObject(bpfObject));
        Assert.Contains("map 'socks'", e.Message);
    }

    [Fact]
    public void Slot_initialisers_naming_nothing_are_refused()
    {
        var table = new MapDefinition("jump", MapType.ProgArray, 4, 4, 2) { SlotInitializers = [new(1, "missing")] };
        var e = Assert.Throws<ObjectLoadException>(() => new LoadedObject(Object([table], Asm.Mov64(0, 0), Asm.Exit())));
        Assert.Contains("slot 1 names program 'missing'", e.Message);
    }

    [Fact]
    public void Globals_set_before_load_must_exist_and_fit()
    {
        var globals = Objects.TestObjects.Load("globals");
        var missing = Assert.Throws<ObjectLoadException>(() => new LoadedObject(globals, new LoadedObjectOptions().SetGlobal("nope", 1u)));
        Assert.Contains("drop_port", missing.Message); // lists the variables there are
        var size = Assert.Throws<ObjectLoadException>(() => new LoadedObject(globals, new LoadedObjectOptions().SetGlobal("drop_port", 1UL)));
        Assert.Contains("has 4 bytes, the value has 8", size.Message);
    }
}
