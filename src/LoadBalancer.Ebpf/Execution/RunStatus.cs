namespace LoadBalancer.Ebpf.Execution;

/// <summary>How a run ended.</summary>
public enum RunStatus : byte
{
    /// <summary>The program executed <c>exit</c> in its main function (or a legacy packet load ended it with r0 = 0).</summary>
    Exited = 0,
    /// <summary>A load, store or atomic touched memory outside every region of the run context, or wrote read-only memory.</summary>
    MemoryFault,
    /// <summary>An atomic operation on an address not aligned to its size.</summary>
    MisalignedAtomic,
    /// <summary>The instruction budget of the run context was used up (a loop that does not end, or a budget too small).</summary>
    BudgetExhausted,
    /// <summary>A bpf-to-bpf call went deeper than <see cref="RunContext.MaxFrames"/> frames.</summary>
    CallDepthExceeded,
    /// <summary>A call reached a helper id with nothing registered (callx with a bad id, or a table changed after validation).</summary>
    UnknownHelper,
    /// <summary>A helper stopped the program with <see cref="RunContext.Abort"/>.</summary>
    Aborted,
}
