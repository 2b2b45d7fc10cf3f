using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Tests.Execution;

namespace LoadBalancer.Ebpf.Tests.Helpers;

public sealed class CallbackHelpersTests
{
    private static Instruction[] FunctionAddress(byte dst, int relative)
    {
        var (first, second) = Instruction.Lddw(dst, (uint)relative, LddwSource.Function);
        return [first, second];
    }

    /// <summary>bpf_loop(count, callback at +target, ctx = r10 - 8, flags) then exit with its result; the callback follows.</summary>
    private static Instruction[] LoopProgram(int count, ulong flags, Instruction[] callback)
    {
        Instruction[] main =
        [
            Asm.St(Asm.DW, 10, -8, 0),
            Asm.Mov64(1, count),
            .. FunctionAddress(2, 6), // slot 2: the target is 2 + 1 + 6 = 9
            Asm.Mov64R(3, 10),
            Asm.Alu64(Opcode.Add, 3, -8),
            Asm.Mov64(4, (int)flags),
            Asm.Call(HelperIds.Loop),
            Asm.Exit(),
        ];
        Assert.Equal(9, main.Length);
        return [.. main, .. callback];
    }

    private static RunResult Run(Instruction[] slots, RunContext? context = null)
    {
        var own = context is null;
        context ??= new RunContext();
        try
        {
            return Interpreter.Run(new BpfProgram(slots, CoreHelpers.CreateTable()), context);
        }
        finally
        {
            if (own)
            {
                context.Dispose();
            }
        }
    }

    [Fact]
    public void Bpf_loop_calls_back_with_the_index_and_context_until_the_callback_returns_nonzero()
    {
        // callback(i, ctx): *ctx += i; return i == 4;
        Instruction[] callback =
        [
            Asm.Ldx(Asm.DW, 3, 2, 0),
            Asm.Alu64R(Opcode.Add, 3, 1),
            Asm.Stx(Asm.DW, 2, 3, 0),
            Asm.Mov64(0, 0),
            Asm.Jmp(Opcode.Jne, 1, 4, 1),
            Asm.Mov64(0, 1),
            Asm.Exit(),
        ];
        Assert.Equal(5UL, Run(LoopProgram(10, 0, callback)).ReturnValue);
        Assert.Equal(3UL, Run(LoopProgram(3, 0, callback)).ReturnValue);
    }

    [Fact]
    public void Bpf_loop_refuses_flags_and_too_many_iterations()
    {
        Instruction[] callback = [Asm.Mov64(0, 0), Asm.Exit()];
        Assert.Equal(unchecked((ulong)-BpfErrno.EINVAL), Run(LoopProgram(1, 1, callback)).ReturnValue);
        Instruction[] huge = LoopProgram(0, 0, callback);
        huge[1] = Asm.Mov64(1, (1 << 23) + 1);
        Assert.Equal(unchecked((ulong)-BpfErrno.E2BIG), Run(huge).ReturnValue);
    }

    [Fact]
    public void A_callback_that_faults_ends_the_whole_run_at_its_instruction()
    {
        Instruction[] callback = [Asm.Mov64(1, 16), Asm.Ldx(Asm.B, 0, 1, 0), Asm.Exit()];
        var result = Run(LoopProgram(2, 0, callback));
        Assert.Equal(RunStatus.MemoryFault, result.Status);
        Assert.Equal(10, result.InstructionIndex);
    }

    [Fact]
    public void A_callback_address_that_is_not_a_function_of_the_program_fails_the_run()
    {
        Instruction[] slots = [Asm.Mov64(1, 1), .. Asm.Lddw(2, 0x1000), Asm.Mov64(3, 0), Asm.Mov64(4, 0), Asm.Call(HelperIds.Loop), Asm.Exit()];
        var result = Run(slots);
        Assert.Equal(RunStatus.MemoryFault, result.Status);
        Assert.Equal(5, result.InstructionIndex);
    }

    [Fact]
    public void Callbacks_share_the_instruction_budget()
    {
        Instruction[] callback = [Asm.Mov64(0, 0), Asm.Exit()];
        using var context = new RunContext { InstructionBudget = 200 };
        var result = Run(LoopProgram(1000, 0, callback), context);
        Assert.Equal(RunStatus.BudgetExhausted, result.Status);
    }

    [Fact]
    public unsafe void For_each_map_elem_visits_every_hash_element_with_key_and_value_until_stopped()
    {
        using var f = new HelperFixture();
        var map = f.Map(new MapDefinition("h", MapType.Hash, 4, 8, 16));
        for (uint k = 1; k <= 5; k++)
        {
            map.Update(k, (ulong)k * 100);
        }

        // callback(map, key, value, ctx): *ctx += *value + *key; return 0
        Instruction[] program =
        [
            .. Asm.Lddw(1, (ulong)map.Handle),
            .. FunctionAddress(2, 8), // slot 2 -> 11
            Asm.Mov64R(3, 10),
            Asm.Alu64(Opcode.Add, 3, -8),
            Asm.St(Asm.DW, 10, -8, 0),
            Asm.Mov64(4, 0),
            Asm.Call(HelperIds.ForEachMapElem),
            Asm.Ldx(Asm.DW, 0, 10, -8),
            Asm.Exit(),
            Asm.Ldx(Asm.DW, 5, 3, 0),
            Asm.Ldx(Asm.W, 1, 2, 0),
            Asm.Alu64R(Opcode.Add, 5, 1),
            Asm.Ldx(Asm.DW, 1, 4, 0),
            Asm.Alu64R(Opcode.Add, 5, 1),
            Asm.Stx(Asm.DW, 4, 5, 0),
            Asm.Mov64(0, 0),
            Asm.Exit(),
        ];
        var probe = (Instruction[])program.Clone();
        probe[9] = Asm.Mov64R(0, 0); // return what the helper returned: the number of elements visited
        Assert.Equal(5UL, Interpreter.Run(new BpfProgram(probe, CoreHelpers.CreateTable()), f.Context).ReturnValue);
        Assert.Equal(1500UL + 15, Interpreter.Run(new BpfProgram(program, CoreHelpers.CreateTable()), f.Context).ReturnValue);
    }
}
