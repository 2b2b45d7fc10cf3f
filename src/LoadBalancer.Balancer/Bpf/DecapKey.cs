using System.Net;
using System.Runtime.InteropServices;

namespace LoadBalancer.Balancer.Bpf;

/// <summary>Mirror of <c>struct decap_key</c> (20 bytes): an outer destination the decap program owns.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct DecapKey
{
    /// <summary>The owned address (IPv4 in bytes 0..3).</summary>
    public fixed byte Addr[16];

    /// <summary>2 or 10.</summary>
    public byte Family;

    /// <summary>Always 0.</summary>
    public fixed byte Pad[3];

    /// <summary>The key of <paramref name="address"/>.</summary>
    public static DecapKey Create(IPAddress address)
    {
        var key = default(DecapKey);
        BpfAddress.Write(address, new Span<byte>(key.Addr, 16));
        key.Family = BpfAddress.Family(address);
        return key;
    }
}
