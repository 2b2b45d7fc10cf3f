using System.Runtime.InteropServices;

namespace LoadBalancer.Balancer.Bpf;

/// <summary>Mirror of <c>struct decap_config</c> (4 bytes).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
public unsafe struct DecapConfig
{
    /// <summary>GUE port, network order; 0 = 6080.</summary>
    public ushort GuePortBe;

    /// <summary>Always 0.</summary>
    public fixed byte Pad[2];
}
