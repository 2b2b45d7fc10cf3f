using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;

namespace LoadBalancer.Balancer.Bpf;

/// <summary>Mirror of <c>struct vip_key</c> (20 bytes): the <c>vip_map</c> key.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
public unsafe struct VipKey : IEquatable<VipKey>
{
    /// <summary>VIP address (IPv4 in bytes 0..3).</summary>
    public fixed byte Addr[16];

    /// <summary>Destination port, network byte order; 0 = any port.</summary>
    public ushort PortBe;

    /// <summary>IP protocol.</summary>
    public byte Proto;

    /// <summary>2 or 10.</summary>
    public byte Family;

    /// <summary>The key of (<paramref name="address"/>, <paramref name="port"/>, <paramref name="proto"/>).</summary>
    public static VipKey Create(IPAddress address, ushort port, byte proto)
    {
        var key = default(VipKey);
        BpfAddress.Write(address, new Span<byte>(key.Addr, 16));
        key.PortBe = BinaryPrimitives.ReverseEndianness(port);
        key.Proto = proto;
        key.Family = BpfAddress.Family(address);
        return key;
    }

    /// <summary>The port in host order.</summary>
    public readonly ushort Port => BinaryPrimitives.ReverseEndianness(PortBe);

    /// <summary>The address.</summary>
    public readonly IPAddress Address
    {
        get
        {
            fixed (byte* a = Addr)
            {
                return BpfAddress.Read(new ReadOnlySpan<byte>(a, 16), Family);
            }
        }
    }

    /// <inheritdoc />
    public readonly bool Equals(VipKey other) => MemoryMarshal.AsBytes(new ReadOnlySpan<VipKey>(in this)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<VipKey>(in other)));

    /// <inheritdoc />
    public override readonly bool Equals(object? obj) => obj is VipKey other && Equals(other);

    /// <inheritdoc />
    public override readonly int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(MemoryMarshal.AsBytes(new ReadOnlySpan<VipKey>(in this)));
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override readonly string ToString() => $"{Address}:{Port}/{Proto}";
}
