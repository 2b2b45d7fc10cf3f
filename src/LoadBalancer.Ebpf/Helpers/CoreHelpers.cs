using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary>
/// Registers the program-type independent helpers under the kernel's ids: maps (1, 2, 3, 87, 88, 89),
/// time (5, 118, 125), <c>trace_printk</c> (6), random (7), processor id (8), tail calls (12),
/// <c>perf_event_output</c> (25), <c>csum_diff</c> (28), <c>for_each_map_elem</c> (164), ring buffers
/// (130-134) and <c>loop</c> (181).
/// </summary>
public static class CoreHelpers
{
    /// <summary>A new table holding the core helpers; <paramref name="logger"/> receives <c>bpf_trace_printk</c> output.</summary>
    public static HelperTable CreateTable(ILogger? logger = null) => Register(new HelperTable(), logger);

    /// <summary>Adds (or replaces) the core helpers in <paramref name="table"/>.</summary>
    public static HelperTable Register(HelperTable table, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        var printk = new TracePrintkHelper(logger ?? NullLogger.Instance);
        return table
            .Register(HelperIds.MapLookupElem, "bpf_map_lookup_elem", MapHelpers.Lookup)
            .Register(HelperIds.MapUpdateElem, "bpf_map_update_elem", MapHelpers.Update)
            .Register(HelperIds.MapDeleteElem, "bpf_map_delete_elem", MapHelpers.Delete)
            .Register(HelperIds.KtimeGetNs, "bpf_ktime_get_ns", TimeHelpers.KtimeGetNs)
            .Register(HelperIds.TracePrintk, "bpf_trace_printk", printk.Invoke)
            .Register(HelperIds.GetPrandomU32, "bpf_get_prandom_u32", RandomHelpers.GetPrandomU32)
            .Register(HelperIds.GetSmpProcessorId, "bpf_get_smp_processor_id", CpuHelpers.GetSmpProcessorId)
            .Register(HelperIds.TailCall, "bpf_tail_call", TailCallHelpers.TailCall)
            .Register(HelperIds.PerfEventOutput, "bpf_perf_event_output", PerfEventHelpers.Output)
            .Register(HelperIds.CsumDiff, "bpf_csum_diff", ChecksumHelpers.CsumDiff)
            .Register(HelperIds.MapPushElem, "bpf_map_push_elem", MapHelpers.Push)
            .Register(HelperIds.MapPopElem, "bpf_map_pop_elem", MapHelpers.Pop)
            .Register(HelperIds.MapPeekElem, "bpf_map_peek_elem", MapHelpers.Peek)
            .Register(HelperIds.Jiffies64, "bpf_jiffies64", TimeHelpers.Jiffies64)
            .Register(HelperIds.KtimeGetBootNs, "bpf_ktime_get_boot_ns", TimeHelpers.KtimeGetBootNs)
            .Register(HelperIds.RingbufOutput, "bpf_ringbuf_output", RingBufHelpers.Output)
            .Register(HelperIds.RingbufReserve, "bpf_ringbuf_reserve", RingBufHelpers.Reserve)
            .Register(HelperIds.RingbufSubmit, "bpf_ringbuf_submit", RingBufHelpers.Submit)
            .Register(HelperIds.RingbufDiscard, "bpf_ringbuf_discard", RingBufHelpers.Discard)
            .Register(HelperIds.RingbufQuery, "bpf_ringbuf_query", RingBufHelpers.Query)
            .Register(HelperIds.ForEachMapElem, "bpf_for_each_map_elem", CallbackHelpers.ForEachMapElem)
            .Register(HelperIds.Loop, "bpf_loop", CallbackHelpers.Loop);
    }
}
