using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using static LoadBalancer.Ebpf.Tests.Execution.Asm;
using static LoadBalancer.Ebpf.Tests.Execution.TestRunner;

namespace LoadBalancer.Ebpf.Tests.Execution;

public sealed class InterpreterJumpTests
{
    // r0 = 1 when the jump is taken, else 0.
    private static ulong Taken(Instruction jump, ulong r1, ulong r2) => Eval(
        [.. Lddw(1, r1), .. Lddw(2, r2), Mov64(0, 1), jump, Mov64(0, 0)]);

    [Theory]
    [InlineData(Opcode.Jeq, 5UL, 5UL, 1UL)]
    [InlineData(Opcode.Jne, 5UL, 5UL, 0UL)]
    [InlineData(Opcode.Jgt, 0xffffffff_ffffffffUL, 1UL, 1UL)]
    [InlineData(Opcode.Jsgt, 0xffffffff_ffffffffUL, 1UL, 0UL)]
    [InlineData(Opcode.Jge, 1UL, 1UL, 1UL)]
    [InlineData(Opcode.Jlt, 1UL, 2UL, 1UL)]
    [InlineData(Opcode.Jle, 3UL, 2UL, 0UL)]
    [InlineData(Opcode.Jslt, 0xffffffff_ffffffffUL, 1UL, 1UL)]
    [InlineData(Opcode.Jsle, 1UL, 1UL, 1UL)]
    [InlineData(Opcode.Jsge, 0x80000000_00000000UL, 0UL, 0UL)]
    [InlineData(Opcode.Jset, 6UL, 2UL, 1UL)]
    [InlineData(Opcode.Jset, 6UL, 1UL, 0UL)]
    public void Jmp_compares_64_bit_registers(byte op, ulong a, ulong b, ulong taken) =>
        Assert.Equal(taken, Taken(JmpR(op, 1, 2, 1), a, b));

    [Theory]
    [InlineData(Opcode.Jeq, 0x1_00000005UL, 5UL, 1UL)]
    [InlineData(Opcode.Jgt, 0x1_00000000UL, 1UL, 0UL)]
    [InlineData(Opcode.Jsgt, 0x00000000_ffffffffUL, 1UL, 0UL)]
    [InlineData(Opcode.Jslt, 0x00000000_80000000UL, 0UL, 1UL)]
    [InlineData(Opcode.Jset, 0x1_00000000UL, 0x1_00000000UL, 0UL)]
    public void Jmp32_compares_the_low_32_bits(byte op, ulong a, ulong b, ulong taken) =>
        Assert.Equal(taken, Taken(Jmp32R(op, 1, 2, 1), a, b));

    [Fact]
    public void Jump_immediates_are_sign_extended_to_64_bits()
    {
        Assert.Equal(1UL, Taken(Jmp(Opcode.Jeq, 1, -1, 1), ulong.MaxValue, 0));
        Assert.Equal(1UL, Taken(Jmp32(Opcode.Jeq, 1, -1, 1), 0xffffffffUL, 0));
        Assert.Equal(1UL, Taken(Jmp(Opcode.Jsgt, 1, -2, 1), ulong.MaxValue, 0));
    }

    [Fact]
    public void Ja_and_gotol_jump_relative_to_the_next_instruction()
    {
        Assert.Equal(2UL, Eval(Mov64(0, 2), Ja(1), Mov64(0, 3)));
        Assert.Equal(2UL, Eval(Mov64(0, 2), Gotol(1), Mov64(0, 3)));
        // Backward loop: r0 counts to 10.
        Assert.Equal(10UL, Eval(Mov64(0, 0), Alu64(Opcode.Add, 0, 1), Jmp(Opcode.Jlt, 0, 10, -2)));
    }

    [Fact]
    public void Helper_calls_pass_r1_to_r5_and_return_in_r0()
    {
        var helpers = new HelperTable().Register(100, "sum", static (_, a, b, c, d, e) => a + b + c + d + e);
        var result = Run(
            [Mov64(1, 1), Mov64(2, 2), Mov64(3, 3), Mov64(4, 4), Mov64(5, 5), Call(100), Exit()],
            helpers: helpers);
        Assert.Equal(15UL, result.ReturnValue);
    }

    [Fact]
    public void Callx_calls_the_helper_whose_id_is_in_the_dst_register()
    {
        var helpers = new HelperTable().Register(7, "seven", static (_, _, _, _, _, _) => 7);
        Assert.Equal(7UL, Run([Mov64(3, 7), Callx(3), Exit()], helpers: helpers).ReturnValue);
        var bad = Run([Mov64(3, 8), Callx(3), Exit()], helpers: helpers);
        Assert.Equal(RunStatus.UnknownHelper, bad.Status);
        Assert.Equal(8UL, bad.Address);
        Assert.Equal(1, bad.InstructionIndex);
    }

    [Fact]
    public void Ktime_get_ns_is_monotonic()
    {
        var result = Run([Call(HelperIds.KtimeGetNs), Mov64R(6, 0), Call(HelperIds.KtimeGetNs), Alu64R(Opcode.Sub, 0, 6), Exit()]);
        Assert.True((long)result.ReturnValue >= 0);
    }

    [Fact]
    public void Local_calls_preserve_r6_to_r9_and_give_the_callee_its_own_frame()
    {
        Instruction[] program =
        [
            Mov64(6, 6), Mov64(9, 9), Mov64(1, 40),
            St(DW, 10, -8, 1000),          // caller's stack slot
            CallLocal(5),                   // -> index 10
            Alu64R(Opcode.Add, 0, 6),       // r0 = callee result + 6
            Alu64R(Opcode.Add, 0, 9),       // + 9
            Ldx(DW, 1, 10, -8),
            Alu64R(Opcode.Add, 0, 1),       // + 1000 (caller slot untouched)
            Exit(),
            // callee (index 10): r0 = r1 + 2, clobbers r6/r9 and its own stack slot
            Mov64R(0, 1), Alu64(Opcode.Add, 0, 2), Mov64(6, 0), Mov64(9, 0), St(DW, 10, -8, 7), Exit(),
        ];
        Assert.Equal(42UL + 6 + 9 + 1000, Run(program).ReturnValue);
    }

    [Fact]
    public void Callee_can_use_a_pointer_into_the_callers_stack()
    {
        Instruction[] program =
        [
            St(DW, 10, -8, 5), Mov64R(1, 10), Alu64(Opcode.Add, 1, -8), CallLocal(2), Ldx(DW, 0, 10, -8), Exit(),
            St(DW, 1, 0, 77), Exit(),
        ];
        Assert.Equal(77UL, Run(program).ReturnValue);
    }
}
