using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;

namespace LoadBalancer.Ebpf.Jit.Internal;

/// <summary>
/// Per-run state shared by the emitted functions of one run, on the native stack of
/// <see cref="JitProgram.Run(RunContext, ulong, ulong)"/>: the instruction count and budget, the last
/// regions hit (so a function starts with its caller's), values coming back from slow paths and
/// callees, and how the run ended.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct JitState
{
    public long Executed;
    public long Budget;
    public ulong StackTop;
    /// <summary>The cached region for loads: an access at offset t from the start is inside when t &lt; ReadLimit (length - 7, so every size fits).</summary>
    public ulong ReadStart;
    public ulong ReadLimit;
    public ulong WriteStart;
    public ulong WriteLimit;

    /// <summary><see cref="RunContext.RegionGeneration"/> the cached regions belong to.</summary>
    public int Generation;

    /// <summary>Nonzero when the program's load-time maps are registered and accessible in this run's context (specialised lookups may run).</summary>
    public int MapsReady;

    /// <summary>Nonzero when the context holds the whole native struct of the active layout (translated context loads may run).</summary>
    public int ContextReady;

    /// <summary>The value a slow-path load read.</summary>
    public ulong Value;

    /// <summary>r1-r5 of a callee at its exit (the interpreter shares one register file).</summary>
    public ulong R1;
    public ulong R2;
    public ulong R3;
    public ulong R4;
    public ulong R5;

    /// <summary>Nonzero once the run ended (exit of the main function or a fault); callers unwind.</summary>
    public int Done;
    public RunStatus Status;
    public bool IsWrite;
    public int Pc;
    public int Size;
    public ulong Address;
    public ulong ReturnValue;
    public long ResultExecuted;

    public readonly RunResult ToResult() =>
        new(Status, Status == RunStatus.Exited ? ReturnValue : 0, Pc, ResultExecuted, Address, Size, IsWrite);
}
