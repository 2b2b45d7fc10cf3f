using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Ebpf.Tests.Objects;

public sealed class ObjectLoaderProgramTests
{
    private const byte Call = Opcode.ClassJmp | 0x80;

    [Fact]
    public void Each_function_of_a_program_section_is_a_program_with_its_section_type()
    {
        var calls = TestObjects.Load("calls");
        Assert.Equal(
            ["xdp_first/xdp/Xdp", "xdp_second/xdp/Xdp", "tc_prog/tc/SchedCls"],
            calls.Programs.Select(p => $"{p.Name}/{p.SectionName}/{p.Type}"));

        var tail = TestObjects.Load("tailcall");
        Assert.Equal(
            // Offset order within the section (clang emits the forward-declared stages first), as libbpf.
            ["stage1/xdp/Xdp", "stage2/xdp/Xdp", "entry/xdp/Xdp"],
            tail.Programs.Select(p => $"{p.Name}/{p.SectionName}/{p.Type}"));

        var legacy = TestObjects.Load("legacy");
        Assert.Equal(
            ["legacy_socket/socket/SocketFilter", "legacy_kprobe/kprobe/do_sys_open/Kprobe"],
            legacy.Programs.Select(p => $"{p.Name}/{p.SectionName}/{p.Type}"));
    }

    [Fact]
    public void Static_functions_in_text_are_subprograms_not_programs()
    {
        var calls = TestObjects.Load("calls");
        Assert.Null(calls.FindProgram("classify"));
        Assert.Null(calls.FindProgram("add_twice"));
        Assert.Null(calls.FindProgram("loop_body"));
    }

    [Fact]
    public void License_and_kernel_version_sections_are_read()
    {
        Assert.Equal("Dual BSD/GPL", TestObjects.Load("parser").License);
        var legacy = TestObjects.Load("legacy");
        Assert.Equal("GPL", legacy.License);
        Assert.Equal(0x050a00u, legacy.KernelVersion);
        Assert.Null(TestObjects.Load("calls").KernelVersion);
    }

    [Fact]
    public void Called_subprograms_are_appended_once_in_call_order()
    {
        var first = TestObjects.Load("calls").FindProgram("xdp_first")!;
        Assert.Equal(["xdp_first", "classify", "add_twice"], first.FuncInfo.Select(f => f.Name));
        var second = TestObjects.Load("calls").FindProgram("xdp_second")!;
        Assert.Equal(["xdp_second", "loop_body", "add_twice"], second.FuncInfo.Select(f => f.Name));
        Assert.All(first.FuncInfo.Concat(second.FuncInfo), f => Assert.NotEqual(0u, f.BtfTypeId));
    }

    [Fact]
    public void Bpf_to_bpf_calls_target_the_start_of_the_appended_callee()
    {
        var program = TestObjects.Load("calls").FindProgram("xdp_first")!;
        var starts = program.FuncInfo.ToDictionary(f => f.InstructionIndex, f => f.Name);
        var targets = new List<string>();
        for (var pc = 0; pc < program.Instructions.Length; pc++)
        {
            var insn = program.Instructions[pc];
            if (insn.Code == Call && insn.Src == (byte)CallKind.Local)
            {
                var target = pc + insn.Imm + 1;
                Assert.True(starts.TryGetValue(target, out var name), $"call at PC {pc} targets {target}, not a function start");
                targets.Add(name!);
            }
        }

        // xdp_first calls classify; classify calls add_twice (one call site after -O2 merges both branches).
        Assert.Equal(["classify", "add_twice"], targets);
    }

    [Fact]
    public void The_same_subprogram_is_appended_to_every_program_that_calls_it()
    {
        var tc = TestObjects.Load("calls").FindProgram("tc_prog")!;
        var xdp = TestObjects.Load("calls").FindProgram("xdp_first")!;
        var tcClassify = tc.FuncInfo.Single(f => f.Name == "classify").InstructionIndex;
        var xdpClassify = xdp.FuncInfo.Single(f => f.Name == "classify").InstructionIndex;
        var tcAdd = tc.FuncInfo.Single(f => f.Name == "add_twice").InstructionIndex;
        Assert.NotEqual(tcClassify, xdpClassify);
        Assert.Equal(
            xdp.Instructions.AsSpan(xdpClassify, tcAdd - tcClassify).ToArray(),
            tc.Instructions.AsSpan(tcClassify, tcAdd - tcClassify).ToArray());
    }

    [Fact]
    public void A_callback_address_becomes_a_function_lddw_pointing_at_the_appended_callback()
    {
        var program = TestObjects.Load("calls").FindProgram("xdp_second")!;
        var pc = Array.FindIndex(program.Instructions, i => i.IsLddw && i.Src == (byte)LddwSource.Function);
        Assert.True(pc >= 0, "no BPF_PSEUDO_FUNC lddw");
        var callback = program.FuncInfo.Single(f => f.Name == "loop_body").InstructionIndex;
        Assert.Equal(callback, pc + program.Instructions[pc].Imm + 1);
        Assert.Equal(181, program.Instructions.First(i => i.Code == Call && i.Src == 0 && i.Imm == 181).Imm);
    }

    [Fact]
    public void Map_references_become_map_index_lddw()
    {
        var parser = TestObjects.Load("parser");
        var program = parser.Programs.Single();
        var lddw = program.Instructions.Where(i => i.IsLddw).ToArray();
        var map = Assert.Single(lddw);
        Assert.Equal((byte)LddwSource.MapIndex, map.Src);
        Assert.Equal(parser.FindMapIndex("blocked_ports"), map.Imm);
    }

    [Fact]
    public void Every_map_of_the_map_zoo_is_referenced_by_its_own_index()
    {
        var obj = TestObjects.Load("maps");
        var program = obj.Programs.Single();
        var referenced = program.Instructions.Where(i => i.IsLddw && i.Src == (byte)LddwSource.MapIndex).Select(i => obj.Maps[i.Imm].Name).ToHashSet();
        var unreferenced = obj.Maps.Select(m => m.Name).Where(n => !referenced.Contains(n)).Order().ToArray();
        // inner_a / inner_b are only reachable through array_of_maps.
        Assert.Equal(["inner_a", "inner_b"], unreferenced);
    }

    [Fact]
    public void Global_accesses_become_map_value_lddw_with_the_variable_offset()
    {
        var obj = TestObjects.Load("globals");
        var program = obj.Programs.Single();
        var seen = new HashSet<string>();
        for (var pc = 0; pc < program.Instructions.Length; pc++)
        {
            var insn = program.Instructions[pc];
            if (!insn.IsLddw)
            {
                continue;
            }

            Assert.Equal((byte)LddwSource.MapIndexValue, insn.Src);
            var offset = (uint)program.Instructions[pc + 1].Imm;
            var global = obj.Globals.Single(g => g.MapIndex == insn.Imm && g.Offset == offset);
            Assert.NotNull(program.LineAt(pc));
            seen.Add(global.Name);
            pc++;
        }

        Assert.Superset(new HashSet<string> { "seen_packets", "last_len", "bss_total", "bss_max", "drop_port", "magic", "drops", "passes" }, seen);
        Assert.Equal(8, seen.Count);
    }

    [Fact]
    public void Line_info_points_at_the_c_line_of_each_helper_call()
    {
        var program = TestObjects.Load("parser").Programs.Single();
        var expected = TestObjects.LineOf("parser", "bpf_map_lookup_elem(&blocked_ports");
        var pc = Array.FindIndex(program.Instructions, i => i.Code == Call && i.Imm == 1);
        var line = program.LineAt(pc)!;
        Assert.Equal(expected, line.Line);
        Assert.EndsWith("parser.bpf.c", line.FileName, StringComparison.Ordinal);
        Assert.Equal(TestObjects.SourceLines("parser")[expected - 1].Trim(), line.Text.Trim());
        Assert.True(line.Column > 0);
    }

    [Fact]
    public void Line_info_of_an_appended_subprogram_follows_it_to_its_new_place()
    {
        var program = TestObjects.Load("calls").FindProgram("tc_prog")!;
        var add = program.FuncInfo.Single(f => f.Name == "add_twice").InstructionIndex;
        Assert.Equal(TestObjects.LineOf("calls", "return a + b + b;"), program.LineAt(add + 1)!.Line);
        Assert.Equal(TestObjects.LineOf("calls", "return classify(skb->len);"), program.LineAt(0)!.Line);
        Assert.True(program.LineInfo.Zip(program.LineInfo.Skip(1)).All(p => p.First.InstructionIndex <= p.Second.InstructionIndex));
    }

    [Fact]
    public void The_encapsulation_program_calls_bpf_xdp_adjust_head_and_reads_its_constants()
    {
        var obj = TestObjects.Load("encap");
        var program = obj.FindProgram("xdp_ipip_encap")!;
        Assert.Equal(ProgramType.Xdp, program.Type);
        var adjust = Array.FindIndex(program.Instructions, i => i.Code == Call && i.Src == 0 && i.Imm == 44);
        Assert.Equal(TestObjects.LineOf("encap", "bpf_xdp_adjust_head(ctx"), program.LineAt(adjust)!.Line);
        var rodata = obj.FindMapIndex("encap.rodata");
        var offsets = program.Instructions.Select((insn, pc) => (insn, pc))
            .Where(x => x.insn.IsLddw && x.insn.Src == (byte)LddwSource.MapIndexValue && x.insn.Imm == rodata)
            .Select(x => (uint)program.Instructions[x.pc + 1].Imm).ToArray();
        Assert.Equal([obj.FindGlobal("outer_src")!.Offset, obj.FindGlobal("outer_dst")!.Offset], offsets);
    }

    [Fact]
    public void Load_from_bytes_and_from_file_agree_and_an_unnamed_object_uses_plain_section_names()
    {
        var fromFile = TestObjects.Load("globals");
        var fromBytes = ObjectLoader.Load(TestObjects.Bytes("globals"), null);
        Assert.Equal(fromFile.Programs.Single().Instructions, fromBytes.Programs.Single().Instructions);
        Assert.Equal(".rodata", fromBytes.Maps[0].Name);
        Assert.Equal("globals.rodata", fromFile.Maps[0].Name);
        var fromSpan = ObjectLoader.Load(new ReadOnlySpan<byte>(TestObjects.Bytes("globals")), "x");
        Assert.Equal("x.rodata", fromSpan.Maps[0].Name);
    }
}
