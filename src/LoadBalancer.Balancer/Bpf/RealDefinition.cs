using System.Net;
using System.Runtime.InteropServices;

namespace LoadBalancer.Balancer.Bpf;

/// <summary>Mirror of <c>struct real_def</c> (20 bytes): a <c>reals</c> value.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public unsafe struct RealDefinition
{
    /// <summary>The real's address (the outer destination).</summary>
    public fixed byte Addr[16];

    /// <summary><see cref="RealFlags"/> bits.</summary>
    public uint Flags;

    /// <summary>The definition of a real at <paramref name="address"/>.</summary>
    public static RealDefinition Create(IPAddress address)
    {
        var real = default(RealDefinition);
        BpfAddress.Write(address, new Span<byte>(real.Addr, 16));
        real.Flags = BpfAddress.Family(address) == BalancerConstants.FamilyV6 ? (uint)RealFlags.Ipv6 : 0;
        return real;
    }
}
