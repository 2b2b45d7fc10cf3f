using System.Runtime.InteropServices;

namespace LoadBalancer.Balancer.Bpf;

/// <summary>Mirror of <c>struct vip_meta</c> (8 bytes): the <c>vip_map</c> value.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct VipMeta
{
    /// <summary><see cref="VipFlags"/> bits.</summary>
    public uint Flags;

    /// <summary>0..63: the ring and the per-VIP counter.</summary>
    public uint VipIndex;
}
