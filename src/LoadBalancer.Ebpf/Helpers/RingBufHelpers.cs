using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary>The BPF ring buffer helpers: <c>bpf_ringbuf_output</c> 130, <c>reserve</c> 131, <c>submit</c> 132, <c>discard</c> 133, <c>query</c> 134.</summary>
public static unsafe class RingBufHelpers
{
    /// <summary><c>bpf_ringbuf_output(ringbuf, data, size, flags)</c>: 0, -EAGAIN when full, -EINVAL on bad arguments.</summary>
    public static ulong Output(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (HelperSupport.Map(context, r1) is not RingBufMap ring || !HelperSupport.Readable(context, r2, r3))
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        return HelperSupport.Result(ring.Output((byte*)r2, r3, r4));
    }

    /// <summary><c>bpf_ringbuf_reserve(ringbuf, size, flags)</c>: the record's address (writable by the program) or 0.</summary>
    public static ulong Reserve(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (HelperSupport.Map(context, r1) is not RingBufMap ring)
        {
            return 0;
        }

        var sample = ring.Reserve(r2, r3);
        if (sample != null)
        {
            HelperSupport.EnsureAccessible(context, ring, sample, (int)Math.Min(r2, int.MaxValue));
        }

        return (ulong)sample;
    }

    /// <summary><c>bpf_ringbuf_submit(data, flags)</c>: publishes a reserved record (unknown pointers are ignored).</summary>
    public static ulong Submit(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        context.Maps?.RingBufferContaining(r1)?.Submit((byte*)r1, r2);
        return 0;
    }

    /// <summary><c>bpf_ringbuf_discard(data, flags)</c>: releases a reserved record (unknown pointers are ignored).</summary>
    public static ulong Discard(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        context.Maps?.RingBufferContaining(r1)?.Discard((byte*)r1, r2);
        return 0;
    }

    /// <summary><c>bpf_ringbuf_query(ringbuf, flags)</c>: BPF_RB_AVAIL_DATA (0), RING_SIZE (1), CONS_POS (2), PROD_POS (3).</summary>
    public static ulong Query(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5) =>
        HelperSupport.Map(context, r1) is RingBufMap ring ? ring.Query(r2) : 0;
}
