using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Jit;
using static LoadBalancer.Ebpf.Tests.Execution.Asm;

namespace LoadBalancer.Ebpf.Tests.Jit;

/// <summary>Tail calls, callbacks, proven-safe accesses and allocation of the JIT.</summary>
public sealed unsafe class JitProgramTests
{
    [Fact]
    public void A_tail_call_continues_in_the_target_program_as_in_the_interpreter()
    {
        // Target: r0 = r6 * 3 + r1 (r1 kept, registers kept, same frame: reads the caller's stack slot).
        var target = new BpfProgram(
        [
            Mov64R(0, 6), Alu64(Opcode.Mul, 0, 3), Alu64R(Opcode.Add, 0, 1),
            Ldx(DW, 2, 10, -8), Alu64R(Opcode.Add, 0, 2), Exit(),
        ], new HelperTable());
        var helpers = new HelperTable().Register(HelperIds.TailCall, "bpf_tail_call", (c, _, _, r3, _, _) => r3 == 1 && c.RequestTailCall(target) ? 0 : unchecked((ulong)-1));
        Instruction[] caller =
        [
            Mov64(6, 7), St(DW, 10, -8, 1000), Mov64(3, 1), Call(HelperIds.TailCall),
            Mov64(0, 99), Exit(), // only when the tail call fails
        ];
        var program = new BpfProgram(caller, helpers);
        var (interpreted, jitted) = RunBoth(program);
        JitAssert.SameResult(interpreted, jitted, "tail call");
        Assert.Equal(7UL * 3 + 1000, jitted.ReturnValue);
    }

    [Fact]
    public void A_failed_tail_call_falls_through()
    {
        var helpers = new HelperTable().Register(HelperIds.TailCall, "bpf_tail_call", static (_, _, _, _, _, _) => unchecked((ulong)-1));
        var program = new BpfProgram([Call(HelperIds.TailCall), Mov64(0, 99), Exit()], helpers);
        var (interpreted, jitted) = RunBoth(program);
        JitAssert.SameResult(interpreted, jitted, "failed tail call");
        Assert.Equal(99UL, jitted.ReturnValue);
    }

    [Fact]
    public void A_helper_running_callbacks_sees_the_same_results_and_counts()
    {
        // bpf_loop-like helper: calls the callback (r2) r1 times with (index, r3), sums the returns.
        var helpers = new HelperTable().Register(181, "bpf_loop", static (c, r1, r2, r3, _, _) =>
        {
            ulong sum = 0;
            for (ulong i = 0; i < r1; i++)
            {
                if (!Interpreter.InvokeCallback(c, r2, i, r3, 0, 0, 0, out var r0))
                {
                    return 0;
                }

                sum += r0;
            }

            return sum;
        });
        Instruction[] slots =
        [
            Mov64(1, 5), .. Lddw(2, 0, LddwSource.Function), Mov64(3, 10), Call(181), Exit(),
            // callback(index, ctx): return index * ctx + 1
            Mov64R(0, 1), Alu64R(Opcode.Mul, 0, 2), Alu64(Opcode.Add, 0, 1), Exit(),
        ];
        slots[1] = slots[1] with { Imm = 6 - 2 };
        var program = new BpfProgram(slots, helpers);
        Assert.Equal(6, program.FunctionIndex(program.LddwValue(1)));
        var (interpreted, jitted) = RunBoth(program);
        JitAssert.SameResult(interpreted, jitted, "callbacks");
        Assert.True(jitted.Succeeded, jitted.ToString());
        Assert.Equal((0UL + 10 + 20 + 30 + 40) + 5, jitted.ReturnValue);
    }

    [Fact]
    public void A_region_a_helper_shrinks_is_not_used_from_a_stale_cache()
    {
        var packet = (byte*)NativeMemory.AlignedAlloc(64, 64);
        try
        {
            NativeMemory.Clear(packet, 64);
            packet[40] = 7;
            var helpers = new HelperTable().Register(44, "shrink", (c, _, _, _, _, _) =>
            {
                c.SetPacket((nint)c.Packet.Start, 32);
                return 0;
            });
            Instruction[] slots =
            [
                .. Lddw(6, (ulong)packet), Ldx(B, 0, 6, 40), Call(44), Ldx(B, 0, 6, 40), Exit(),
            ];
            var program = new BpfProgram(slots, helpers);
            using var context = new RunContext();
            context.SetPacket((nint)packet, 64);
            var interpreted = Interpreter.Run(program, context, 0, 0);
            context.SetPacket((nint)packet, 64);
            var jitted = JitCompiler.Compile(program).Run(context, 0, 0);
            JitAssert.SameResult(interpreted, jitted, "shrunk packet");
            Assert.Equal(RunStatus.MemoryFault, jitted.Status);
            Assert.Equal(4, jitted.InstructionIndex);
        }
        finally
        {
            NativeMemory.AlignedFree(packet);
        }
    }

    [Fact]
    public void Accesses_marked_proven_safe_are_not_checked()
    {
        var outside = (ulong*)NativeMemory.AlignedAlloc(8, 8);
        try
        {
            *outside = 0x1122334455667788;
            Instruction[] slots = [.. Lddw(1, (ulong)outside), Ldx(DW, 0, 1, 0), Exit()];
            var program = new BpfProgram(slots, new HelperTable());
            using var context = new RunContext();
            Assert.Equal(RunStatus.MemoryFault, JitCompiler.Compile(program).Run(context).Status);
            var proven = new bool[slots.Length];
            proven[2] = true;
            var result = JitCompiler.Compile(program, proven).Run(context);
            Assert.Equal(RunStatus.Exited, result.Status);
            Assert.Equal(0x1122334455667788UL, result.ReturnValue);
        }
        finally
        {
            NativeMemory.AlignedFree(outside);
        }
    }

    [Fact]
    public void Runs_allocate_nothing()
    {
        var slots = new RandomProgramGenerator(new Random(5), kernelSafe: true).Generate(200);
        var jit = JitCompiler.Compile(XdpHarness.Xdp(slots, new HelperTable()));
        using var harness = new XdpHarness(RandomProgramGenerator.PacketSize);
        var packet = new byte[RandomProgramGenerator.PacketSize];
        RunResult last = default;
        harness.Run(c =>
        {
            last = jit.Run(c);
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                last = jit.Run(c);
            }

            Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
            return last;
        }, packet, RunContext.DefaultInstructionBudget);
        Assert.Equal(RunStatus.Exited, last.Status);
    }

    private static (RunResult Interpreted, RunResult Jitted) RunBoth(BpfProgram program)
    {
        using var context = new RunContext();
        var interpreted = Interpreter.Run(program, context, 0, 0);
        var jitted = JitCompiler.Compile(program).Run(context, 0, 0);
        return (interpreted, jitted);
    }
}
