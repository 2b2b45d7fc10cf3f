using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using static LoadBalancer.Ebpf.Tests.Execution.Asm;
using static LoadBalancer.Ebpf.Tests.Execution.TestRunner;

namespace LoadBalancer.Ebpf.Tests.Execution;

public sealed unsafe class InterpreterFaultTests
{
    [Fact]
    public void An_out_of_bounds_read_names_the_instruction_address_and_size()
    {
        using var context = new RunContext();
        var result = Run(context, [Mov64(0, 0), Ldx(W, 0, 1, 6), Exit()], new byte[8]);
        Assert.Equal(RunStatus.MemoryFault, result.Status);
        Assert.Equal(1, result.InstructionIndex);
        Assert.Equal(4, result.AccessSize);
        Assert.False(result.IsWrite);
        Assert.Equal(context.Context.Start + 6, result.Address);
        Assert.Contains("out-of-bounds read of 4 bytes", result.ToString());
        Assert.Contains("at PC 1", result.ToString());
    }

    [Fact]
    public void An_out_of_bounds_write_is_a_fault_and_writes_nothing()
    {
        var mem = new byte[8];
        var result = Run([St(DW, 1, 1, -1), Exit()], mem);
        Assert.Equal(RunStatus.MemoryFault, result.Status);
        Assert.True(result.IsWrite);
        Assert.Equal(8, result.AccessSize);
        Assert.All(mem, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Writes_to_read_only_context_memory_fault()
    {
        using var context = new RunContext();
        var mem = NativeMemory.AllocZeroed(8);
        try
        {
            context.SetContext((nint)mem, 8, writable: false);
            var program = new BpfProgram([Ldx(W, 0, 1, 0), St(W, 1, 0, 1), Exit()], new HelperTable());
            var result = Interpreter.Run(program, context);
            Assert.Equal(RunStatus.MemoryFault, result.Status);
            Assert.Equal(1, result.InstructionIndex);
        }
        finally
        {
            NativeMemory.Free(mem);
        }
    }

    [Fact]
    public void Stack_accesses_above_r10_or_below_the_deepest_frame_fault()
    {
        Assert.Equal(RunStatus.MemoryFault, Run([Ldx(B, 0, 10, 0), Exit()]).Status);
        var below = Run([Mov64R(1, 10), Alu64(Opcode.Sub, 1, RunContext.StackSize + 1), Ldx(B, 0, 1, 0), Exit()]);
        Assert.Equal(RunStatus.MemoryFault, below.Status);
        Assert.Equal(2, below.InstructionIndex);
    }

    [Fact]
    public void Recursion_deeper_than_eight_frames_is_a_call_depth_fault()
    {
        var result = Run([CallLocal(-1), Exit()]); // calls itself forever
        Assert.Equal(RunStatus.CallDepthExceeded, result.Status);
        Assert.Equal(0, result.InstructionIndex);
        Assert.Equal(RunContext.MaxFrames, result.InstructionsExecuted);
    }

    [Fact]
    public void Eight_frames_are_allowed_and_each_gets_its_own_512_bytes()
    {
        // Calls itself while r1 > 0, decrementing; each frame writes its whole 512 bytes.
        Instruction[] program =
        [
            Mov64(1, RunContext.MaxFrames - 2),
            CallLocal(1),
            Exit(),
            // f(r1): fill own frame, recurse with r1 - 1, then read back own first slot
            St(DW, 10, -512, 1), St(DW, 10, -8, 1),
            Jmp(Opcode.Jeq, 1, 0, 3),
            Alu64(Opcode.Sub, 1, 1),
            CallLocal(-5),
            Mov64(0, 0),
            Ldx(DW, 0, 10, -512),
            Exit(),
        ];
        var result = Run(program);
        Assert.Equal(RunStatus.Exited, result.Status);
        Assert.Equal(1UL, result.ReturnValue);
    }

    [Fact]
    public void An_endless_loop_stops_when_the_budget_is_used_up()
    {
        var result = Run([Mov64(0, 0), Alu64(Opcode.Add, 0, 1), Ja(-2)], budget: 1000);
        Assert.Equal(RunStatus.BudgetExhausted, result.Status);
        Assert.Equal(1001, result.InstructionsExecuted);
    }

    [Fact]
    public void Misaligned_atomics_fault()
    {
        var result = Run([Mov64(2, 1), Atomic(DW, 1, 2, 4, Opcode.Add), Exit()], new byte[16]);
        Assert.Equal(RunStatus.MisalignedAtomic, result.Status);
        Assert.Equal(1, result.InstructionIndex);
    }

    [Fact]
    public void A_helper_can_add_a_region_for_the_rest_of_the_run()
    {
        var value = (ulong*)NativeMemory.AllocZeroed(8);
        try
        {
            var address = (ulong)value;
            var helpers = new HelperTable().Register(1, "bpf_map_lookup_elem", (ctx, _, _, _, _, _) =>
            {
                ctx.AddRegion(address, 8, writable: true);
                return address;
            });
            Instruction[] program = [Call(1), St(DW, 0, 0, 42), Ldx(DW, 0, 0, 0), Exit()];
            using var context = new RunContext();
            Assert.Equal(42UL, Run(context, program, helpers: helpers).ReturnValue);
            Assert.Equal(42UL, *value);

            // The region is gone in the next run unless a helper adds it again.
            var program2 = new BpfProgram([.. Lddw(1, address), Ldx(DW, 0, 1, 0), Exit()], helpers);
            var second = Interpreter.Run(program2, context);
            Assert.Equal(RunStatus.MemoryFault, second.Status);
            Assert.Equal(address, second.Address);
        }
        finally
        {
            NativeMemory.Free(value);
        }
    }

    [Fact]
    public void A_helper_can_abort_the_run()
    {
        var helpers = new HelperTable().Register(9, "abort", static (ctx, _, _, _, _, _) =>
        {
            ctx.Abort();
            return 0;
        });
        var result = Run([Call(9), Mov64(0, 1), Exit()], helpers: helpers);
        Assert.Equal(RunStatus.Aborted, result.Status);
        Assert.Equal(0, result.InstructionIndex);
    }

    [Fact]
    public void A_context_is_reused_across_runs_without_allocating()
    {
        using var context = new RunContext();
        var program = new BpfProgram(
            [Mov64(0, 0), St(DW, 10, -8, 3), Ldx(DW, 1, 10, -8), Alu64R(Opcode.Add, 0, 1), Jmp(Opcode.Jlt, 0, 300, -3), Exit()],
            HelperTable.CreateDefault());
        Interpreter.Run(program, context);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Interpreter.Run(program, context);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
