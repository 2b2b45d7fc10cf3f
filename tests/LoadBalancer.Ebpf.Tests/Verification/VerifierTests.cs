using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Text;
using LoadBalancer.Ebpf.Validation;
using LoadBalancer.Ebpf.Verification;
using static LoadBalancer.Ebpf.Tests.Kernel.Asm;

namespace LoadBalancer.Ebpf.Tests.Verification;

/// <summary>The verifier's API: what a rejection says, what a result reports, and rules checked on hand-written bytecode.</summary>
public sealed class VerifierTests
{
    private static readonly MapDefinition Hash = new("flows", MapType.Hash, 4, 8, 16);

    private static VerifierResult Verify(Instruction[] slots, VerifierOptions? options = null, params MapDefinition[] maps) =>
        Verifier.Verify(slots, ProgramType.Xdp, maps, options);

    [Fact]
    public void A_rejection_names_the_instruction_its_text_the_source_line_and_the_register_states()
    {
        var p = CorpusProgram.Load("reject", "pkt_no_bounds_check");
        var ex = Assert.Throws<VerificationException>(() => Verifier.Verify(p.Program, p.Maps));
        Assert.Equal(Disassembler.Format(p.Program.Instructions, ex.InstructionIndex), ex.InstructionText);
        Assert.Contains($"at PC {ex.InstructionIndex} ({ex.InstructionText})", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.SourceLine);
        Assert.Contains("eth->h_proto", ex.SourceLine!.Text, StringComparison.Ordinal);
        Assert.Contains("reject/pkt_no_bounds_check.c", ex.Message, StringComparison.Ordinal);
        Assert.Contains("pkt(r=0)", ex.RegisterStates, StringComparison.Ordinal);
        Assert.Contains("R10=fp0", ex.RegisterStates, StringComparison.Ordinal);
        Assert.Contains("data_end", ex.Reason, StringComparison.Ordinal);
        Assert.IsAssignableFrom<EbpfException>(ex);
    }

    [Fact]
    public void A_null_dereference_says_which_register_may_be_null_and_what_to_check()
    {
        var p = CorpusProgram.Load("reject", "null_deref_lookup");
        var ex = Assert.Throws<VerificationException>(() => Verifier.Verify(p.Program, p.Maps));
        Assert.Matches(@"^R\d invalid mem access 'map_value_or_null': R\d may be NULL; check the result of bpf_map_lookup_elem", ex.Reason);
        Assert.Contains("map_value_or_null(id=", ex.RegisterStates, StringComparison.Ordinal);
    }

    [Fact]
    public void The_result_counts_processed_instructions_and_states_and_the_log_shows_every_step()
    {
        var p = CorpusProgram.Load("accept", "parse_eth_ip_tcp");
        var quiet = Verifier.Verify(p.Program, p.Maps);
        Assert.Null(quiet.Log);
        Assert.True(quiet.ProcessedInstructions >= p.Program.Instructions.Length / 2);
        Assert.True(quiet.StatesExplored > 0);
        var logged = Verifier.Verify(p.Program, p.Maps, new VerifierOptions { Log = true });
        Assert.Equal(quiet.ProcessedInstructions, logged.ProcessedInstructions);
        Assert.Matches(@"^0: \([0-9a-f]{2}\) .* ; R1=ctx\(\) R10=fp0\n", logged.Log);
        Assert.Contains("pkt_end()", logged.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_verification_keeps_the_log_when_asked()
    {
        var p = CorpusProgram.Load("reject", "pkt_off_by_one");
        var ex = Assert.Throws<VerificationException>(() => Verifier.Verify(p.Program, p.Maps, new VerifierOptions { Log = true }));
        Assert.NotNull(ex.Log);
        Assert.EndsWith($"{ex.InstructionIndex}: {ex.Reason}\n", ex.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void Memory_facts_name_the_region_of_every_load_and_store()
    {
        var p = CorpusProgram.Load("accept", "parse_eth_ip_tcp");
        var result = Verifier.Verify(p.Program, p.Maps);
        var insns = p.Program.Instructions;
        var seen = AccessRegions.None;
        for (var pc = 0; pc < insns.Length; pc++)
        {
            var fact = result.AccessAt(pc);
            var cls = insns[pc].Class;
            if (cls is Opcode.ClassLdx or Opcode.ClassSt or Opcode.ClassStx && fact.Reached)
            {
                Assert.True(fact.ProvenSafe, $"PC {pc}");
                Assert.NotEqual(AccessRegions.None, fact.Regions);
                seen |= fact.Regions;
                Assert.True(result.IsAccessProvenSafe(pc));
            }
            else if (cls is not (Opcode.ClassLdx or Opcode.ClassSt or Opcode.ClassStx))
            {
                Assert.Equal(default, fact);
            }
        }

        Assert.Equal(AccessRegions.Context | AccessRegions.Packet | AccessRegions.MapValue | AccessRegions.Stack, seen);
    }

    [Fact]
    public void A_null_check_on_a_copy_makes_the_original_safe()
    {
        var program = Program(
            St(Opcode.SizeW, R10, -4, 0),
            MovReg(R2, R10),
            AddImm(R2, -4),
            LddwMap(R1, 0),
            Call(1),
            MovReg(R6, R0),
            JmpImm(Opcode.Jeq, R6, 0, 2),
            Ldx(Opcode.SizeDW, R0, R0, 0),
            Exit(),
            MovImm(R0, 0),
            Exit());
        Verify(program, null, Hash);
    }

    [Fact]
    public void A_pointer_may_not_be_dereferenced_after_a_failed_null_check_on_another_lookup()
    {
        var program = Program(
            St(Opcode.SizeW, R10, -4, 0),
            MovReg(R2, R10),
            AddImm(R2, -4),
            LddwMap(R1, 0),
            Call(1),
            MovReg(R6, R0),
            MovReg(R2, R10),
            AddImm(R2, -4),
            LddwMap(R1, 0),
            Call(1),
            JmpImm(Opcode.Jeq, R6, 0, 2),
            Ldx(Opcode.SizeDW, R0, R0, 0),
            Exit(),
            MovImm(R0, 0),
            Exit());
        var ex = Assert.Throws<VerificationException>(() => Verify(program, null, Hash));
        Assert.Equal(13, ex.InstructionIndex);
    }

    [Fact]
    public void Uninitialised_stack_reads_are_allowed_for_root_and_rejected_under_strict_rules()
    {
        var program = Program(Ldx(Opcode.SizeDW, R0, R10, -8), Exit());
        Verify(program);
        var ex = Assert.Throws<VerificationException>(() => Verify(program, new VerifierOptions { Strict = true }));
        Assert.Contains("invalid read from stack off -8", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bounded_loop_is_explored_to_its_end_and_a_loop_without_progress_is_rejected()
    {
        var counted = Program(MovImm(R0, 0), AddImm(R0, 1), JmpImm(Opcode.Jlt, R0, 100, -2), Exit());
        var result = Verify(counted);
        Assert.True(result.ProcessedInstructions >= 200);
        var spinning = Program(MovImm(R0, 0), MovImm(R1, 5), JmpImm(Opcode.Jgt, R1, 1, -2), Exit());
        var ex = Assert.Throws<VerificationException>(() => Verify(spinning));
        Assert.Contains("infinite loop detected", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_complexity_limit_stops_long_loops()
    {
        var counted = Program(MovImm(R0, 0), AddImm(R0, 1), JmpImm(Opcode.Jlt, R0, 100_000, -2), Exit());
        var ex = Assert.Throws<VerificationException>(() => Verify(counted, new VerifierOptions { MaxProcessedInstructions = 10_000 }));
        Assert.Contains("BPF program is too large. Processed 10000 insn", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Division_by_a_register_is_allowed_and_by_constant_zero_rejected()
    {
        Verify(Program(MovImm(R0, 10), Ldx(Opcode.SizeW, R2, R1, 16), new Instruction(Opcode.ClassAlu64 | Opcode.Div | Opcode.SourceX, 0, 2, 0, 0), Exit()));
        var ex = Assert.Throws<VerificationException>(() => Verify(Program(MovImm(R0, 10), new Instruction(Opcode.ClassAlu64 | Opcode.Mod | Opcode.SourceK, 0, 0, 0, 0), Exit())));
        Assert.Contains("div by zero", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Program_types_other_than_xdp_are_reported_as_unsupported()
    {
        var ex = Assert.Throws<VerificationException>(() => Verifier.Verify(Program(MovImm(R0, 0), Exit()), ProgramType.SocketFilter, []));
        Assert.Contains("not supported", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(-1, ex.InstructionIndex);
    }

    [Fact]
    public void Structurally_invalid_bytecode_is_left_to_the_bytecode_validator()
    {
        Assert.Throws<BytecodeException>(() => Verify(Program(MovImm(R0, 0))));
    }

    [Fact]
    public void A_map_index_outside_the_map_list_is_rejected()
    {
        var ex = Assert.Throws<VerificationException>(() => Verify(Program(LddwMap(R1, 3), MovImm(R0, 0), Exit())));
        Assert.Contains("map index 3", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_subprogram_gets_its_arguments_and_keeps_the_callers_r6_to_r9()
    {
        var call = new Instruction(Opcode.ClassJmp | Opcode.Call, 0, (byte)CallKind.Local, 0, 2);
        var program = Program(
            MovImm(R6, 7),
            MovImm(R1, 2),
            call,
            new Instruction(Opcode.ClassAlu64 | Opcode.Add | Opcode.SourceX, 0, 6, 0, 0),
            Exit(),
            MovReg(R0, R1),
            MovImm(R6, 100),
            Exit());
        var result = Verify(program, new VerifierOptions { Log = true });
        Assert.Contains("frame1:", result.Log, StringComparison.Ordinal);
        Assert.Contains("R0=2 R6=7", result.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stack_pointer_into_a_returned_function_cannot_be_used()
    {
        // main: r1 = fp-8; call f; r2 = *(u64 *)(r10 - 8); r0 = *(u64 *)(r2 + 0); exit
        // f:    *(u64 *)(r10 - 8) = 0; r3 = r10; r3 += -8; *(u64 *)(r1 + 0) = r3; r0 = 0; exit
        var call = new Instruction(Opcode.ClassJmp | Opcode.Call, 0, (byte)CallKind.Local, 0, 3);
        var program = Program(
            MovReg(R1, R10),
            AddImm(R1, -8),
            call,
            Ldx(Opcode.SizeDW, R2, R10, -8),
            Ldx(Opcode.SizeDW, R0, R2, 0),
            Exit(),
            St(Opcode.SizeDW, R10, -8, 0),
            MovReg(R3, R10),
            AddImm(R3, -8),
            Stx(Opcode.SizeDW, R1, R3, 0),
            MovImm(R0, 0),
            Exit());
        var ex = Assert.Throws<VerificationException>(() => Verify(program));
        Assert.Equal(4, ex.InstructionIndex);
        Assert.Contains("function that has returned", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stack_pointer_with_an_unbounded_variable_offset_cannot_be_read()
    {
        // r0 = ktime >> 1 (0..2^63-1); r3 = r10 + 64 + r0; r0 = *(u8 *)(r3 - 63): the upper bound overflows 64 bits.
        var program = Program(
            Call(5),
            new Instruction(Opcode.ClassAlu64 | Opcode.Rsh | Opcode.SourceK, 0, 0, 0, 1),
            MovReg(R3, R10),
            AddImm(R3, 64),
            new Instruction(Opcode.ClassAlu64 | Opcode.Add | Opcode.SourceX, 3, 0, 0, 0),
            Ldx(Opcode.SizeB, R0, R3, -63),
            Exit());
        var ex = Assert.Throws<VerificationException>(() => Verify(program));
        Assert.Equal(5, ex.InstructionIndex);
        Assert.Contains("unbounded variable-offset read from stack", ex.Reason, StringComparison.Ordinal);
    }
}
