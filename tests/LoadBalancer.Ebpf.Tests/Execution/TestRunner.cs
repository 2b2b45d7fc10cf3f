using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Tests.Execution;

/// <summary>Runs slots in the interpreter with an optional memory buffer (copied to native memory and back).</summary>
internal static unsafe class TestRunner
{
    public static RunResult Run(Instruction[] slots, byte[]? memory = null, HelperTable? helpers = null, long budget = RunContext.DefaultInstructionBudget, byte[]? packet = null)
    {
        using var context = new RunContext { InstructionBudget = budget };
        return Run(context, slots, memory, helpers, packet);
    }

    public static RunResult Run(RunContext context, Instruction[] slots, byte[]? memory = null, HelperTable? helpers = null, byte[]? packet = null)
    {
        var program = new BpfProgram(slots, helpers ?? HelperTable.CreateDefault());
        var mem = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(memory?.Length ?? 0, 1), 64);
        var pkt = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(packet?.Length ?? 0, 1), 64);
        try
        {
            memory?.CopyTo(new Span<byte>(mem, memory.Length));
            packet?.CopyTo(new Span<byte>(pkt, packet.Length));
            context.SetContext((nint)mem, memory?.Length ?? 0);
            context.SetPacket((nint)pkt, packet?.Length ?? 0);
            var result = Interpreter.Run(program, context);
            new Span<byte>(mem, memory?.Length ?? 0).CopyTo(memory);
            return result;
        }
        finally
        {
            NativeMemory.AlignedFree(mem);
            NativeMemory.AlignedFree(pkt);
        }
    }

    /// <summary>Runs <paramref name="body"/> followed by exit and returns r0, asserting a normal exit.</summary>
    public static ulong Eval(params Instruction[] body)
    {
        var result = Run([.. body, Asm.Exit()]);
        Assert.Equal(RunStatus.Exited, result.Status);
        return result.ReturnValue;
    }
}
