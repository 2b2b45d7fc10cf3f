using System.Runtime.InteropServices;

namespace LoadBalancer.Balancer.Bpf;

/// <summary>Mirror of <c>struct flow_value</c> (16 bytes): the real a flow is pinned to.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct FlowValue
{
    /// <summary>The real index.</summary>
    public uint RealIndex;

    /// <summary>Always 0.</summary>
    public uint Pad;

    /// <summary>bpf_ktime_get_ns() of the last packet that used the entry.</summary>
    public ulong LastSeenNs;
}
