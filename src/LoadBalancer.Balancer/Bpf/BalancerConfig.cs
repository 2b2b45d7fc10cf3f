using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LoadBalancer.Balancer.Bpf;

/// <summary>Mirror of <c>struct lb_config</c> (32 bytes): the single <c>lb_config</c> entry.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
public unsafe struct BalancerConfig
{
    /// <summary>Outer Ethernet destination of every encapsulated packet.</summary>
    public fixed byte GatewayMac[6];

    /// <summary>GUE destination port, network order; 0 = 6080.</summary>
    public ushort GuePortBe;

    /// <summary>Outer IPv4 source prefix (wire order).</summary>
    public fixed byte SrcV4[4];

    /// <summary>Outer IPv6 source prefix.</summary>
    public fixed byte SrcV6[16];

    /// <summary>Low bits of the IPv4 source taken from the flow hash.</summary>
    public byte SrcV4HashBits;

    /// <summary>Low bits of the IPv6 source's last word taken from the flow hash.</summary>
    public byte SrcV6HashBits;

    /// <summary>Always 0.</summary>
    public ushort Pad;

    /// <summary>GUE port in host order (0 = default).</summary>
    public ushort GuePort
    {
        readonly get => BinaryPrimitives.ReverseEndianness(GuePortBe);
        set => GuePortBe = BinaryPrimitives.ReverseEndianness(value);
    }
}
