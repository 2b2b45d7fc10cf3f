using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.ProgramTypes;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary><c>bpf_perf_event_output</c> (25) into a PERF_EVENT_ARRAY's per-CPU buffers.</summary>
public static unsafe class PerfEventHelpers
{
    /// <summary>BPF_F_CTXLEN_MASK: bits 32-51 of flags, the number of packet bytes to append (XDP).</summary>
    public const ulong CtxLenMask = 0xFFFFFUL << 32;

    private const int Efault = 14;

    [ThreadStatic]
    private static byte[]? _record;

    /// <summary>
    /// <c>bpf_perf_event_output(ctx, map, flags, data, size)</c>: appends the record to the buffer the low
    /// 32 bits of flags select (BPF_F_CURRENT_CPU: the run's processor); for an XDP context the
    /// BPF_F_CTXLEN_MASK bits append that many packet bytes after the data (-EFAULT when the packet is
    /// shorter), as the kernel's XDP variant does. 0, -ENOSPC when full, -EINVAL, -E2BIG or -ENOENT for
    /// bad arguments.
    /// </summary>
    public static ulong Output(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (HelperSupport.Map(context, r2) is not PerfEventArrayMap map || !HelperSupport.Readable(context, r4, r5))
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        var packetBytes = (r3 & CtxLenMask) >> 32;
        if (packetBytes == 0)
        {
            return HelperSupport.Result(map.Output(r3, (byte*)r4, r5, context.ProcessorId));
        }

        var ctx = context.Context;
        if (!ReferenceEquals(context.ActiveContextLayout, XdpContextLayout.Instance) || r1 != ctx.Start || ctx.Length < (ulong)sizeof(XdpMdNative))
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        var md = (XdpMdNative*)ctx.Start;
        if (md->DataEnd < md->Data || packetBytes > md->DataEnd - md->Data || !context.IsAccessible(md->Data, packetBytes, false) || r5 > int.MaxValue)
        {
            return HelperSupport.Error(Efault);
        }

        // One record: the data, then the packet bytes (a per-thread buffer, grown once).
        var total = (int)(r5 + packetBytes);
        var record = _record is { } existing && existing.Length >= total ? existing : _record = new byte[Math.Max(total, 2048)];
        new ReadOnlySpan<byte>((void*)r4, (int)r5).CopyTo(record);
        new ReadOnlySpan<byte>((void*)md->Data, (int)packetBytes).CopyTo(record.AsSpan((int)r5));
        fixed (byte* p = record)
        {
            return HelperSupport.Result(map.Output(r3 & ~CtxLenMask, p, (ulong)total, context.ProcessorId));
        }
    }
}
