using LoadBalancer.Ebpf.Helpers;

namespace LoadBalancer.Ebpf.Execution;

/// <summary>
/// The outcome of one run, as a value (the per-run path never throws): the return value on a normal
/// exit, else what went wrong, at which instruction, and for memory faults the address and size.
/// </summary>
public readonly struct RunResult
{
    /// <summary>Creates a result (engines construct these; callers read them).</summary>
    public RunResult(RunStatus status, ulong returnValue, int instructionIndex, long instructionsExecuted, ulong address = 0, int accessSize = 0, bool isWrite = false)
    {
        Status = status;
        ReturnValue = returnValue;
        InstructionIndex = instructionIndex;
        InstructionsExecuted = instructionsExecuted;
        Address = address;
        AccessSize = accessSize;
        IsWrite = isWrite;
    }

    /// <summary>How the run ended.</summary>
    public RunStatus Status { get; }

    /// <summary>r0 at exit (0 when the run faulted).</summary>
    public ulong ReturnValue { get; }

    /// <summary>Slot index of the exit or of the faulting instruction.</summary>
    public int InstructionIndex { get; }

    /// <summary>Instructions executed, the faulting one included.</summary>
    public long InstructionsExecuted { get; }

    /// <summary>For memory faults the address accessed; for <see cref="RunStatus.UnknownHelper"/> the helper id.</summary>
    public ulong Address { get; }

    /// <summary>For memory faults the access size in bytes.</summary>
    public int AccessSize { get; }

    /// <summary>For memory faults, true when the access was a store.</summary>
    public bool IsWrite { get; }

    /// <summary>True when the program ran to its exit.</summary>
    public bool Succeeded => Status == RunStatus.Exited;

    /// <summary>A sentence for logs and error messages.</summary>
    public override string ToString() => Status switch
    {
        RunStatus.Exited => $"exited with r0 = 0x{ReturnValue:x} at PC {InstructionIndex} after {InstructionsExecuted} instructions",
        RunStatus.MemoryFault => $"out-of-bounds {(IsWrite ? "write" : "read")} of {AccessSize} bytes at 0x{Address:x} at PC {InstructionIndex}",
        RunStatus.MisalignedAtomic => $"misaligned atomic access of {AccessSize} bytes at 0x{Address:x} at PC {InstructionIndex}",
        RunStatus.BudgetExhausted => $"instruction budget of {InstructionsExecuted - 1} exhausted at PC {InstructionIndex}",
        RunStatus.CallDepthExceeded => $"call depth above {RunContext.MaxFrames} frames at PC {InstructionIndex}",
        RunStatus.UnknownHelper => $"call to {HelperIds.Describe((long)Address)} which is not registered, at PC {InstructionIndex}",
        _ => $"aborted by a helper at PC {InstructionIndex}",
    };
}
