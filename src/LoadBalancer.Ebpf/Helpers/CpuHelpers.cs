using LoadBalancer.Ebpf.Execution;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary><c>bpf_get_smp_processor_id</c> (8): the dataplane worker running the program.</summary>
public static class CpuHelpers
{
    /// <summary>The run's <see cref="RunContext.ProcessorId"/> (the worker index, which selects per-CPU map slots).</summary>
    public static ulong GetSmpProcessorId(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) =>
        (uint)context.ProcessorId;
}
