using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Validation;
using static LoadBalancer.Ebpf.Tests.Execution.Asm;

namespace LoadBalancer.Ebpf.Tests.Validation;

public sealed class BytecodeValidatorTests
{
    private static readonly HelperTable Helpers = HelperTable.CreateDefault();

    private static BytecodeException Rejects(Instruction[] slots, int index, string fragment)
    {
        var e = Assert.Throws<BytecodeException>(() => BytecodeValidator.Validate(slots, Helpers));
        Assert.Equal(index, e.InstructionIndex);
        if (index >= 0)
        {
            Assert.Contains($"at PC {index}", e.Message);
        }

        Assert.Contains(fragment, e.Message);
        return e;
    }

    private static Instruction Raw(byte code, byte dst = 0, byte src = 0, short off = 0, int imm = 0) => new(code, dst, src, off, imm);

    [Fact]
    public void A_well_formed_program_is_accepted()
    {
        BytecodeValidator.Validate(
            [.. Lddw(1, 5), Mov64(0, 0), Jmp(Opcode.Jeq, 1, 5, 1), Call(HelperIds.KtimeGetNs), St(W, 10, -4, 1), Exit()],
            Helpers);
    }

    [Fact]
    public void An_empty_program_is_rejected() => Rejects([], -1, "Empty program");

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x8c)] // neg with a register source
    [InlineData(0xe7)] // alu op 0xe
    [InlineData(0xdf)] // 64-bit be
    [InlineData(0xe5)] // jump op 0xe
    [InlineData(0x86)] // JMP32 call
    [InlineData(0x96)] // JMP32 exit
    [InlineData(0x38)] // ld abs dw
    [InlineData(0x60)] // ld class with mem mode
    [InlineData(0x99)] // ldxsdw
    [InlineData(0xc2)] // st atomic
    [InlineData(0xd3)] // atomic byte
    [InlineData(0xa1)] // ldx unknown mode
    public void Unknown_opcodes_are_rejected(byte code) => Rejects([Raw(code), Exit()], 0, "0x");

    [Theory]
    [InlineData(0x07, 0, 0, 1, 1)] // add64 imm with offset
    [InlineData(0x07, 0, 1, 0, 1)] // add64 imm with src
    [InlineData(0x0f, 0, 0, 0, 1)] // add64 reg with imm
    [InlineData(0x0c, 0, 0, 1, 0)] // add32 reg with offset
    [InlineData(0xb4, 0, 0, 1, 1)] // mov32 imm with offset
    [InlineData(0x95, 0, 0, 0, 1)] // exit with imm
    [InlineData(0x95, 1, 0, 0, 0)] // exit with dst
    [InlineData(0x05, 0, 0, 0, 1)] // ja with imm
    [InlineData(0x05, 1, 0, 0, 0)] // ja with dst
    [InlineData(0x06, 0, 0, 1, 0)] // gotol with offset
    [InlineData(0x15, 0, 1, 0, 0)] // jeq imm with src
    [InlineData(0x1d, 0, 0, 0, 1)] // jeq reg with imm
    [InlineData(0x85, 0, 0, 1, 5)] // call with offset
    [InlineData(0x85, 1, 0, 0, 5)] // call with dst
    [InlineData(0x8d, 1, 0, 0, 5)] // callx with imm
    [InlineData(0x61, 0, 1, 0, 1)] // ldxw with imm
    [InlineData(0x7a, 10, 1, -8, 0)] // stdw with src
    [InlineData(0x7b, 10, 1, -8, 1)] // stxdw with imm
    [InlineData(0x84, 0, 1, 0, 0)] // neg with src
    [InlineData(0x87, 0, 0, 0, 1)] // neg64 with imm
    [InlineData(0xd4, 0, 0, 1, 16)] // le16 with offset
    [InlineData(0xdc, 0, 1, 0, 16)] // be16 with src
    [InlineData(0x20, 1, 0, 0, 0)] // ldabsw with dst
    [InlineData(0x40, 0, 1, 1, 0)] // ldindw with offset
    public void Unused_fields_must_be_zero(byte code, byte dst, byte src, short off, int imm) =>
        Rejects([Raw(code, dst, src, off, imm), Exit()], 0, "unused field");

    [Fact]
    public void Registers_above_r10_are_rejected()
    {
        Rejects([Raw(0xb7, dst: 11), Exit()], 0, "r11 does not exist");
        Rejects([Raw(0xbf, dst: 0, src: 12), Exit()], 0, "r12 does not exist");
    }

    [Fact]
    public void Writes_to_r10_are_rejected_but_stores_through_it_are_fine()
    {
        Rejects([Mov64(10, 0), Exit()], 0, "r10");
        Rejects([Ldx(DW, 10, 1, 0), Exit()], 0, "r10");
        Rejects([.. Lddw(10, 1), Exit()], 0, "r10");
        Rejects([Mov64(2, 0), Atomic(DW, 1, 10, 0, Opcode.Add | Opcode.AtomicFetch), Exit()], 1, "r10");
        BytecodeValidator.Validate([St(DW, 10, -8, 1), Stx(DW, 10, 1, -16), Mov64R(1, 10), Mov64(0, 0), Exit()], Helpers);
    }

    [Fact]
    public void A_truncated_lddw_is_rejected() => Rejects([Exit(), Lddw(0, 1)[0]], 1, "truncated");

    [Fact]
    public void The_second_slot_of_lddw_must_have_only_an_immediate()
    {
        var (first, _) = Instruction.Lddw(0, 1);
        Rejects([first, Raw(0, dst: 1), Exit()], 0, "second slot");
        Rejects([first, Raw(0x07), Exit()], 0, "second slot");
        Rejects([first, Raw(0, off: 1), Exit()], 0, "second slot");
    }

    [Fact]
    public void Lddw_with_an_unknown_source_kind_is_rejected() =>
        Rejects([.. Lddw(0, 1, (LddwSource)7), Exit()], 0, "unknown source kind 7");

    [Fact]
    public void Jumps_outside_the_program_are_rejected()
    {
        Rejects([Ja(1), Exit()], 0, "outside the program");
        Rejects([Jmp(Opcode.Jeq, 0, 0, -2), Exit()], 0, "outside the program");
        Rejects([Gotol(5), Exit()], 0, "outside the program");
    }

    [Fact]
    public void Jumps_into_the_second_slot_of_lddw_are_rejected() =>
        Rejects([Jmp(Opcode.Jeq, 0, 0, 1), .. Lddw(0, 1), Exit()], 0, "second slot of an lddw");

    [Fact]
    public void Calls_to_unknown_helpers_are_rejected_naming_the_helper()
    {
        var e = Rejects([Call(HelperIds.MapLookupElem), Exit()], 0, "bpf_map_lookup_elem (1)");
        Assert.Contains("register it in the HelperTable", e.Message);
        Rejects([Call(99999), Exit()], 0, "unknown helper 99999");
    }

    [Fact]
    public void Local_calls_outside_the_program_and_kfunc_calls_are_rejected()
    {
        Rejects([CallLocal(5), Exit()], 0, "outside the program");
        Rejects([Raw(0x85, src: 2, imm: 1), Exit()], 0, "kfunc");
        Rejects([Raw(0x85, src: 3, imm: 1), Exit()], 0, "unknown source kind 3");
    }

    [Fact]
    public void Bad_sdiv_smod_and_movsx_offsets_are_rejected()
    {
        Rejects([Alu64(Opcode.Div, 0, 1, 2), Exit()], 0, "offset must be 0");
        Rejects([Alu32R(Opcode.Mod, 0, 1, -1), Exit()], 0, "offset must be 0");
        Rejects([Alu64R(Opcode.Mov, 0, 1, 24), Exit()], 0, "movsx offset");
        Rejects([Alu32R(Opcode.Mov, 0, 1, 32), Exit()], 0, "32-bit movsx offset");
    }

    [Fact]
    public void Byte_swap_widths_other_than_16_32_64_are_rejected() =>
        Rejects([Be(0, 8), Exit()], 0, "16, 32 or 64");

    [Fact]
    public void Unknown_atomic_operations_are_rejected()
    {
        Rejects([Atomic(DW, 10, 1, -8, Opcode.Sub), Exit()], 0, "unknown atomic operation");
        Rejects([Atomic(W, 10, 1, -8, 0xf0), Exit()], 0, "unknown atomic operation");
    }

    [Fact]
    public void Falling_off_the_end_is_rejected()
    {
        Rejects([Mov64(0, 0)], 0, "falls off the end");
        Rejects([Mov64(0, 0), Jmp(Opcode.Jeq, 0, 0, -2)], 1, "falls off the end");
        Rejects([Mov64(0, 0), .. Lddw(0, 1)], 1, "falls off the end");
        BytecodeValidator.Validate([Mov64(0, 0), Exit(), Ja(-3)], Helpers);
    }

    [Fact]
    public void A_length_that_is_not_a_multiple_of_eight_is_rejected() =>
        Assert.Throws<BytecodeException>(() => LoadBalancer.Ebpf.Execution.BpfProgram.FromBytecode(new byte[12], Helpers));

    [Fact]
    public void Lddw_of_a_map_needs_a_resolver()
    {
        var e = Assert.Throws<BytecodeException>(() => new LoadBalancer.Ebpf.Execution.BpfProgram([.. Lddw(1, 3, LddwSource.MapFd), Mov64(0, 0), Exit()], Helpers));
        Assert.Equal(0, e.InstructionIndex);
        var program = new LoadBalancer.Ebpf.Execution.BpfProgram(
            [.. Lddw(1, 3, LddwSource.MapFd), Mov64(0, 0), Exit()],
            Helpers,
            (pc, source, imm, _) => source == LddwSource.MapFd ? 0x1000UL + (ulong)imm : 0);
        Assert.Equal(0x1003UL, program.LddwValue(0));
    }
}
