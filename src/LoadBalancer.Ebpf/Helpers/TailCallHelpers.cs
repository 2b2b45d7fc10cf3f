using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary><c>bpf_tail_call</c> (12): continue in another program of a PROG_ARRAY.</summary>
public static class TailCallHelpers
{
    /// <summary>
    /// <c>bpf_tail_call(ctx, prog_array, index)</c>: asks the engine to replace the running program with
    /// the one in slot <paramref name="r3"/> (started at its first instruction with the same r1 and a
    /// fresh frame). An empty slot, an index out of range, or the 34th tail call of a run falls through:
    /// the helper returns a negated errno and the caller continues.
    /// </summary>
    public static ulong TailCall(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (HelperSupport.Map(context, r2) is not ProgArrayMap array)
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        if (array.GetProgram((uint)r3) is not BpfProgram target)
        {
            return HelperSupport.Error(BpfErrno.ENOENT);
        }

        return context.RequestTailCall(target) ? 0 : HelperSupport.Error(BpfErrno.E2BIG);
    }
}
