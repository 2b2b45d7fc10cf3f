using System.Runtime.CompilerServices;
using LoadBalancer.Ebpf.Execution;

namespace LoadBalancer.Ebpf.ProgramTypes;

/// <summary>
/// <c>struct xdp_md</c> (uapi/linux/bpf.h: six u32 fields, 24 bytes) over <see cref="XdpMdNative"/>.
/// As the kernel's <c>xdp_is_valid_access</c>: only whole 4-byte loads of a field, every field
/// read-only; <c>data</c>, <c>data_end</c> and <c>data_meta</c> load the 64-bit native pointers.
/// </summary>
public static class XdpContextLayout
{
    /// <summary>Size of <c>struct xdp_md</c>.</summary>
    public const int UserSize = 24;

    /// <summary>Offset of <c>xdp_md.data</c>.</summary>
    public const int Data = 0;

    /// <summary>Offset of <c>xdp_md.data_end</c>.</summary>
    public const int DataEnd = 4;

    /// <summary>Offset of <c>xdp_md.data_meta</c>.</summary>
    public const int DataMeta = 8;

    /// <summary>Offset of <c>xdp_md.ingress_ifindex</c>.</summary>
    public const int IngressIfindex = 12;

    /// <summary>Offset of <c>xdp_md.rx_queue_index</c>.</summary>
    public const int RxQueueIndex = 16;

    /// <summary>Offset of <c>xdp_md.egress_ifindex</c>.</summary>
    public const int EgressIfindex = 20;

    /// <summary>The layout (shared, immutable).</summary>
    public static ContextLayout Instance { get; } = new(
        "xdp_md",
        UserSize,
        Unsafe.SizeOf<XdpMdNative>(),
        [
            new ContextField("data", Data, 4, 0, 8, ReadOnly: true),
            new ContextField("data_end", DataEnd, 4, 8, 8, ReadOnly: true),
            new ContextField("data_meta", DataMeta, 4, 16, 8, ReadOnly: true),
            new ContextField("ingress_ifindex", IngressIfindex, 4, 24, 4, ReadOnly: true),
            new ContextField("rx_queue_index", RxQueueIndex, 4, 28, 4, ReadOnly: true),
            new ContextField("egress_ifindex", EgressIfindex, 4, 32, 4, ReadOnly: true),
        ]);
}
