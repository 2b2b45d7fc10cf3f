using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LoadBalancer.Dataplane.Xdp.Internal;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Dataplane.Xdp;

/// <summary>
/// The XDP-specific helpers, with the kernel's ids, checks and return codes (net/core/filter.c):
/// <c>bpf_xdp_adjust_head</c> (44), <c>bpf_xdp_adjust_meta</c> (54), <c>bpf_xdp_adjust_tail</c> (65),
/// <c>bpf_redirect</c> (23), <c>bpf_redirect_map</c> (51), <c>bpf_xdp_get_buff_len</c> (188),
/// <c>bpf_xdp_load_bytes</c> (189) and <c>bpf_xdp_store_bytes</c> (190). They
/// work on the <see cref="XdpBuffer"/> attached to the run's context: the adjust helpers move the
/// native data/data_end/data_meta pointers and the run's packet region (so a program must reload
/// them from the context afterwards, as the kernel's verifier demands), the redirect helpers record
/// the target in the buffer. Called with any other context they fail with -EINVAL / XDP_ABORTED.
/// </summary>
public static unsafe class XdpHelpers
{
    /// <summary>BPF_F_BROADCAST: <c>bpf_redirect_map</c> to every slot of a devmap.</summary>
    public const ulong BroadcastFlag = 1UL << 3;

    /// <summary>BPF_F_EXCLUDE_INGRESS: a broadcast skips the ingress interface.</summary>
    public const ulong ExcludeIngressFlag = 1UL << 4;

    /// <summary>EFAULT, which <c>bpf_xdp_load_bytes</c> / <c>bpf_xdp_store_bytes</c> return for offsets or lengths above 0xffff.</summary>
    public const int EFAULT = 14;

    /// <summary>EACCES, which <c>bpf_xdp_adjust_meta</c> returns for a bad metadata length.</summary>
    public const int EACCES = 13;

    /// <summary>
    /// The most metadata <c>bpf_xdp_adjust_meta</c> allows: the kernel's limit is the range of
    /// <c>skb_shared_info.meta_len</c> (u8), and lengths must be multiples of 4, so 252 usable bytes.
    /// </summary>
    public const int MaxMetadataLength = 255;

    // The low bits of bpf_redirect_map's flags are the action returned when the lookup fails.
    private const ulong ActionMask = 3;

    /// <summary>A table with just the XDP helpers, e.g. for <c>LoadedObjectOptions.Helpers</c> (core helpers come from the runtime).</summary>
    public static HelperTable CreateTable() => Register(new HelperTable());

    /// <summary>Registers the XDP helpers into <paramref name="table"/> (replacing any with the same ids).</summary>
    public static HelperTable Register(HelperTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table
            .Register(HelperIds.XdpAdjustHead, "bpf_xdp_adjust_head", AdjustHead)
            .Register(HelperIds.XdpAdjustMeta, "bpf_xdp_adjust_meta", AdjustMeta)
            .Register(HelperIds.XdpAdjustTail, "bpf_xdp_adjust_tail", AdjustTail)
            .Register(HelperIds.Redirect, "bpf_redirect", Redirect)
            .Register(HelperIds.RedirectMap, "bpf_redirect_map", RedirectMap)
            .Register(HelperIds.XdpGetBuffLen, "bpf_xdp_get_buff_len", GetBuffLen)
            .Register(HelperIds.XdpLoadBytes, "bpf_xdp_load_bytes", LoadBytes)
            .Register(HelperIds.XdpStoreBytes, "bpf_xdp_store_bytes", StoreBytes);
    }

    /// <summary>
    /// <c>long bpf_xdp_adjust_head(struct xdp_md *ctx, int delta)</c>: moves <c>data</c> by delta
    /// (negative grows the packet at the front), carrying the metadata along. -EINVAL when the new
    /// start would enter the reserved head of the frame or leave fewer than 14 bytes.
    /// </summary>
    public static ulong AdjustHead(RunContext context, ulong ctx, ulong delta, ulong r3, ulong r4, ulong r5)
    {
        var s = StateOf(context, ctx);
        if (s == null)
        {
            return Error(BpfErrno.EINVAL);
        }

        var offset = (long)(int)delta;
        var metaLength = (long)(s->Md.Data - s->Md.DataMeta);
        var dataStart = (long)s->HardStart + XdpBuffer.FrameReserve + metaLength;
        var data = (long)s->Md.Data + offset;
        if (data < dataStart || data > (long)s->Md.DataEnd - XdpBuffer.EthernetHeaderLength)
        {
            return Error(BpfErrno.EINVAL);
        }

        if (metaLength != 0)
        {
            Buffer.MemoryCopy((void*)s->Md.DataMeta, (void*)((long)s->Md.DataMeta + offset), metaLength, metaLength);
        }

        s->Md.DataMeta = (ulong)((long)s->Md.DataMeta + offset);
        s->Md.Data = (ulong)data;
        UpdatePacket(context, s);
        return 0;
    }

    /// <summary>
    /// <c>long bpf_xdp_adjust_tail(struct xdp_md *ctx, int delta)</c>: moves <c>data_end</c> by delta;
    /// grown bytes are zeroed. -EINVAL past the frame's usable end or below 14 bytes of packet.
    /// </summary>
    public static ulong AdjustTail(RunContext context, ulong ctx, ulong delta, ulong r3, ulong r4, ulong r5)
    {
        var s = StateOf(context, ctx);
        if (s == null)
        {
            return Error(BpfErrno.EINVAL);
        }

        var offset = (long)(int)delta;
        var end = (long)s->Md.DataEnd + offset;
        if (end > (long)s->HardEnd || end < (long)s->Md.Data + XdpBuffer.EthernetHeaderLength)
        {
            return Error(BpfErrno.EINVAL);
        }

        if (offset > 0)
        {
            NativeMemory.Clear((void*)s->Md.DataEnd, (nuint)offset);
        }

        s->Md.DataEnd = (ulong)end;
        UpdatePacket(context, s);
        return 0;
    }

    /// <summary>
    /// <c>long bpf_xdp_adjust_meta(struct xdp_md *ctx, int delta)</c>: moves <c>data_meta</c> by delta.
    /// -EINVAL when it would enter the reserved head or pass <c>data</c>; -EACCES when the metadata
    /// length would not be a multiple of 4 or exceed <see cref="MaxMetadataLength"/>.
    /// </summary>
    public static ulong AdjustMeta(RunContext context, ulong ctx, ulong delta, ulong r3, ulong r4, ulong r5)
    {
        var s = StateOf(context, ctx);
        if (s == null)
        {
            return Error(BpfErrno.EINVAL);
        }

        var meta = (long)s->Md.DataMeta + (int)delta;
        var metaLength = (long)s->Md.Data - meta;
        if (meta < (long)s->HardStart + XdpBuffer.FrameReserve || meta > (long)s->Md.Data)
        {
            return Error(BpfErrno.EINVAL);
        }

        if ((metaLength & 3) != 0 || metaLength > MaxMetadataLength)
        {
            return Error(EACCES);
        }

        s->Md.DataMeta = (ulong)meta;
        UpdatePacket(context, s);
        return 0;
    }

    /// <summary>
    /// <c>long bpf_redirect(u32 ifindex, u64 flags)</c> in XDP programs: records the interface and
    /// returns XDP_REDIRECT; any flag makes it return XDP_ABORTED.
    /// </summary>
    public static ulong Redirect(RunContext context, ulong ifindex, ulong flags, ulong r3, ulong r4, ulong r5)
    {
        var s = StateOf(context);
        if (s == null || flags != 0)
        {
            return (ulong)XdpAction.Aborted;
        }

        Record(s, XdpRedirectKind.Interface, (uint)ifindex, 0, MapType.Unspec, 0, 0);
        return (ulong)XdpAction.Redirect;
    }

    /// <summary>
    /// <c>long bpf_redirect_map(void *map, u64 key, u64 flags)</c>: looks the key up in a DEVMAP,
    /// DEVMAP_HASH, XSKMAP or CPUMAP and records the target, returning XDP_REDIRECT; when the slot is
    /// empty it returns the action in the low two bits of <paramref name="flags"/> (unless
    /// BPF_F_BROADCAST, which devmaps accept with BPF_F_EXCLUDE_INGRESS); unknown flags give XDP_ABORTED.
    /// </summary>
    public static ulong RedirectMap(RunContext context, ulong map, ulong key, ulong flags, ulong r4, ulong r5)
    {
        var s = StateOf(context);
        // Maps are resolved through the run's registry, so a bad map argument is refused, never dereferenced.
        BpfMap? target = null;
        if (s == null || context.Maps is not { } maps || !maps.TryGet(map, out target))
        {
            return (ulong)XdpAction.Aborted;
        }

        var type = target.Definition.Type;
        var allowed = type is MapType.DevMap or MapType.DevMapHash ? BroadcastFlag | ExcludeIngressFlag : 0;
        if (type is not (MapType.DevMap or MapType.DevMapHash or MapType.XskMap or MapType.CpuMap) || (flags & ~(ActionMask | allowed)) != 0)
        {
            return (ulong)XdpAction.Aborted;
        }

        var index = (uint)key;
        var cpu = (uint)context.ProcessorId < (uint)target.CpuCount ? context.ProcessorId : 0;
        var value = target.KeySize == sizeof(uint) ? target.Lookup((byte*)&index, cpu) : null;
        var broadcast = (flags & BroadcastFlag) != 0;
        if (value == null && !broadcast)
        {
            // A failed lookup clears the target, so the last redirect call of a run always decides.
            Record(s, XdpRedirectKind.None, 0, 0, MapType.Unspec, 0, 0);
            return flags & ActionMask;
        }

        var slot = value == null || target.ValueSize < sizeof(uint) ? 0u : Unsafe.ReadUnaligned<uint>(value);
        Record(s, XdpRedirectKind.Map, index, (ulong)map, type, slot, broadcast ? flags : 0);
        return (ulong)XdpAction.Redirect;
    }

    /// <summary><c>u64 bpf_xdp_get_buff_len(struct xdp_md *ctx)</c>: the packet length (no fragments here).</summary>
    public static ulong GetBuffLen(RunContext context, ulong ctx, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        var s = StateOf(context, ctx);
        return s == null ? 0 : s->Md.DataEnd - s->Md.Data;
    }

    /// <summary>
    /// <c>long bpf_xdp_load_bytes(struct xdp_md *ctx, u32 offset, void *buf, u32 len)</c>: copies packet
    /// bytes at <c>data + offset</c> into <paramref name="buffer"/>. -EFAULT for an offset or length above
    /// 0xffff (or a buffer the program may not write), -EINVAL past the end of the packet.
    /// </summary>
    public static ulong LoadBytes(RunContext context, ulong ctx, ulong offset, ulong buffer, ulong length, ulong r5)
    {
        var s = StateOf(context, ctx);
        if (s == null)
        {
            return Error(BpfErrno.EINVAL);
        }

        var source = PacketRange(s, (uint)offset, (uint)length, out var error);
        if (source == 0)
        {
            return (ulong)error;
        }

        if (!context.IsAccessible(buffer, (uint)length, write: true))
        {
            return Error(EFAULT);
        }

        Buffer.MemoryCopy((void*)source, (void*)buffer, (uint)length, (uint)length);
        return 0;
    }

    /// <summary>
    /// <c>long bpf_xdp_store_bytes(struct xdp_md *ctx, u32 offset, void *buf, u32 len)</c>: copies
    /// <paramref name="buffer"/> into the packet at <c>data + offset</c>; errors as <see cref="LoadBytes"/>.
    /// </summary>
    public static ulong StoreBytes(RunContext context, ulong ctx, ulong offset, ulong buffer, ulong length, ulong r5)
    {
        var s = StateOf(context, ctx);
        if (s == null)
        {
            return Error(BpfErrno.EINVAL);
        }

        var target = PacketRange(s, (uint)offset, (uint)length, out var error);
        if (target == 0)
        {
            return (ulong)error;
        }

        if (!context.IsAccessible(buffer, (uint)length, write: false))
        {
            return Error(EFAULT);
        }

        Buffer.MemoryCopy((void*)buffer, (void*)target, (uint)length, (uint)length);
        return 0;
    }

    /// <summary>The kernel's bpf_xdp_pointer checks: the address of [offset, offset + length) in the packet, or 0 with the error.</summary>
    private static ulong PacketRange(XdpFrameState* s, uint offset, uint length, out long error)
    {
        error = 0;
        if (offset > 0xffff || length > 0xffff)
        {
            error = -EFAULT;
            return 0;
        }

        if ((ulong)offset + length > s->Md.DataEnd - s->Md.Data)
        {
            error = -BpfErrno.EINVAL;
            return 0;
        }

        return s->Md.Data + offset;
    }

    private static void Record(XdpFrameState* s, XdpRedirectKind kind, uint index, ulong map, MapType type, uint value, ulong flags)
    {
        s->RedirectKind = (uint)kind;
        s->RedirectIndex = index;
        s->RedirectMap = map;
        s->RedirectMapType = (uint)type;
        s->RedirectValue = value;
        s->RedirectFlags = flags;
    }

    private static void UpdatePacket(RunContext context, XdpFrameState* s) =>
        context.SetPacket((nint)s->Md.DataMeta, (int)(s->Md.DataEnd - s->Md.DataMeta));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static XdpFrameState* StateOf(RunContext context, ulong ctx)
    {
        var s = StateOf(context);
        return s != null && (ulong)s == ctx ? s : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static XdpFrameState* StateOf(RunContext context)
    {
        var region = context.Context;
        if (region.Start == 0 || region.Length < (ulong)sizeof(XdpFrameState))
        {
            return null;
        }

        var s = (XdpFrameState*)region.Start;
        return s->Magic == XdpFrameState.MagicValue ? s : null;
    }

    private static ulong Error(int errno) => (ulong)(long)-errno;
}
