using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Maps;
using static LoadBalancer.Ebpf.Verification.Internal.ArgType;

namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>The prototypes of the helpers the runtime provides (kernel semantics from include/uapi/linux/bpf.h).</summary>
internal static class HelperPrototypes
{
    private static readonly MapType[] RedirectTargets = [MapType.DevMap, MapType.DevMapHash, MapType.CpuMap, MapType.XskMap];
    private static readonly MapType[] QueueLike = [MapType.Queue, MapType.Stack];
    private static readonly MapType[] Iterable = [MapType.Hash, MapType.PercpuHash, MapType.LruHash, MapType.LruPercpuHash, MapType.Array, MapType.PercpuArray];

    private static readonly Dictionary<int, HelperPrototype> Table = new()
    {
        [HelperIds.MapLookupElem] = new("bpf_map_lookup_elem", RetType.MapValueOrNull, [ConstMapPtr, MapKey]) { PacketAccess = true },
        [HelperIds.MapUpdateElem] = new("bpf_map_update_elem", RetType.Integer, [ConstMapPtr, MapKey, MapValue, Anything]) { PacketAccess = true },
        [HelperIds.MapDeleteElem] = new("bpf_map_delete_elem", RetType.Integer, [ConstMapPtr, MapKey]) { PacketAccess = true },
        [HelperIds.KtimeGetNs] = new("bpf_ktime_get_ns", RetType.Integer, []),
        [HelperIds.TracePrintk] = new("bpf_trace_printk", RetType.Integer, [Mem, ConstSize]), // the kernel types only fmt and its size; r3-r5 may be unset
        [HelperIds.GetPrandomU32] = new("bpf_get_prandom_u32", RetType.Integer, []),
        [HelperIds.GetSmpProcessorId] = new("bpf_get_smp_processor_id", RetType.Integer, []),
        [HelperIds.TailCall] = new("bpf_tail_call", RetType.Void, [Ctx, ConstMapPtr, Anything]) { MapTypes = [MapType.ProgArray] },
        [HelperIds.Redirect] = new("bpf_redirect", RetType.Integer, [Anything, Anything]),
        [HelperIds.PerfEventOutput] = new("bpf_perf_event_output", RetType.Integer, [Ctx, ConstMapPtr, Anything, Mem, ConstSizeOrZero]) { MapTypes = [MapType.PerfEventArray] },
        [HelperIds.CsumDiff] = new("bpf_csum_diff", RetType.Integer, [MemOrNull, ConstSizeOrZero, MemOrNull, ConstSizeOrZero, Anything]) { PacketAccess = true },
        [HelperIds.XdpAdjustHead] = new("bpf_xdp_adjust_head", RetType.Integer, [Ctx, Anything]) { ChangesPacketData = true },
        [HelperIds.RedirectMap] = new("bpf_redirect_map", RetType.Integer, [ConstMapPtr, Anything, Anything]) { MapTypes = RedirectTargets },
        [HelperIds.XdpAdjustMeta] = new("bpf_xdp_adjust_meta", RetType.Integer, [Ctx, Anything]) { ChangesPacketData = true },
        [HelperIds.XdpAdjustTail] = new("bpf_xdp_adjust_tail", RetType.Integer, [Ctx, Anything]) { ChangesPacketData = true },
        [HelperIds.MapPushElem] = new("bpf_map_push_elem", RetType.Integer, [ConstMapPtr, MapValue, Anything]) { MapTypes = [MapType.Queue, MapType.Stack, MapType.BloomFilter], PacketAccess = true },
        [HelperIds.MapPopElem] = new("bpf_map_pop_elem", RetType.Integer, [ConstMapPtr, UninitMapValue]) { MapTypes = QueueLike },
        [HelperIds.MapPeekElem] = new("bpf_map_peek_elem", RetType.Integer, [ConstMapPtr, UninitMapValue]) { MapTypes = [MapType.Queue, MapType.Stack, MapType.BloomFilter] },
        [HelperIds.Jiffies64] = new("bpf_jiffies64", RetType.Integer, []),
        [HelperIds.KtimeGetBootNs] = new("bpf_ktime_get_boot_ns", RetType.Integer, []),
        [HelperIds.RingbufOutput] = new("bpf_ringbuf_output", RetType.Integer, [ConstMapPtr, Mem, ConstSizeOrZero, Anything]) { MapTypes = [MapType.RingBuf] },
        [HelperIds.RingbufReserve] = new("bpf_ringbuf_reserve", RetType.AllocMemOrNull, [ConstMapPtr, ConstAllocSize, Anything]) { MapTypes = [MapType.RingBuf] },
        [HelperIds.RingbufSubmit] = new("bpf_ringbuf_submit", RetType.Void, [AllocMem, Anything]) { Releases = true },
        [HelperIds.RingbufDiscard] = new("bpf_ringbuf_discard", RetType.Void, [AllocMem, Anything]) { Releases = true },
        [HelperIds.RingbufQuery] = new("bpf_ringbuf_query", RetType.Integer, [ConstMapPtr, Anything]) { MapTypes = [MapType.RingBuf] },
        [HelperIds.XdpLoadBytes] = new("bpf_xdp_load_bytes", RetType.Integer, [Ctx, Anything, UninitMem, ConstSize]),
        [HelperIds.XdpStoreBytes] = new("bpf_xdp_store_bytes", RetType.Integer, [Ctx, Anything, Mem, ConstSize]),
        [HelperIds.Loop] = new("bpf_loop", RetType.Integer, [Anything, Func, StackOrNull, Anything]) { CallbackArg = 1 },
        [HelperIds.ForEachMapElem] = new("bpf_for_each_map_elem", RetType.Integer, [ConstMapPtr, Func, StackOrNull, Anything]) { MapTypes = Iterable, CallbackArg = 1 },
    };

    /// <summary>Map types generic element helpers (lookup, update, delete) cannot use.</summary>
    public static readonly MapType[] NoElementAccess =
        [MapType.ProgArray, MapType.PerfEventArray, MapType.RingBuf, MapType.Queue, MapType.Stack, MapType.BloomFilter, MapType.StackTrace, MapType.CgroupArray];

    public static HelperPrototype? Find(int id) => Table.GetValueOrDefault(id);

    /// <summary>Number of argument registers a helper reads (for liveness); 5 when unknown.</summary>
    public static int ArgCount(int id) => Table.TryGetValue(id, out var p) ? p.Args.Length : 5;
}
