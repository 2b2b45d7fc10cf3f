using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary><c>bpf_perf_event_output</c> (25) into a PERF_EVENT_ARRAY's per-CPU buffers.</summary>
public static unsafe class PerfEventHelpers
{
    /// <summary>
    /// <c>bpf_perf_event_output(ctx, map, flags, data, size)</c>: appends the record to the buffer the low
    /// 32 bits of flags select (BPF_F_CURRENT_CPU: the run's processor); 0, -ENOSPC when full, -EINVAL,
    /// -E2BIG or -ENOENT for bad arguments.
    /// </summary>
    public static ulong Output(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (HelperSupport.Map(context, r2) is not PerfEventArrayMap map || !HelperSupport.Readable(context, r4, r5))
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        return HelperSupport.Result(map.Output(r3, (byte*)r4, r5, context.ProcessorId));
    }
}
