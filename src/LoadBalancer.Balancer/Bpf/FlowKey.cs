using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;

namespace LoadBalancer.Balancer.Bpf;

/// <summary>Mirror of <c>struct flow_key</c> (40 bytes): the <c>lru_flows</c> key and the flow-hash input.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
public unsafe struct FlowKey
{
    /// <summary>Client address.</summary>
    public fixed byte Src[16];

    /// <summary>VIP address.</summary>
    public fixed byte Dst[16];

    /// <summary>Client port, network order (0 without ports).</summary>
    public ushort SportBe;

    /// <summary>VIP port, network order.</summary>
    public ushort DportBe;

    /// <summary>IP protocol.</summary>
    public byte Proto;

    /// <summary>2 or 10.</summary>
    public byte Family;

    /// <summary>Always 0.</summary>
    public ushort Pad;

    /// <summary>The key of a client → VIP flow.</summary>
    public static FlowKey Create(IPAddress source, IPAddress destination, ushort sourcePort, ushort destinationPort, byte proto)
    {
        var key = default(FlowKey);
        BpfAddress.Write(source, new Span<byte>(key.Src, 16));
        BpfAddress.Write(destination, new Span<byte>(key.Dst, 16));
        key.SportBe = BinaryPrimitives.ReverseEndianness(sourcePort);
        key.DportBe = BinaryPrimitives.ReverseEndianness(destinationPort);
        key.Proto = proto;
        key.Family = BpfAddress.Family(source);
        return key;
    }

    /// <summary>Client port in host order.</summary>
    public readonly ushort SourcePort => BinaryPrimitives.ReverseEndianness(SportBe);

    /// <summary>VIP port in host order.</summary>
    public readonly ushort DestinationPort => BinaryPrimitives.ReverseEndianness(DportBe);

    /// <summary>The client address.</summary>
    public readonly IPAddress Source
    {
        get
        {
            fixed (byte* a = Src)
            {
                return BpfAddress.Read(new ReadOnlySpan<byte>(a, 16), Family);
            }
        }
    }

    /// <summary>The VIP address.</summary>
    public readonly IPAddress Destination
    {
        get
        {
            fixed (byte* a = Dst)
            {
                return BpfAddress.Read(new ReadOnlySpan<byte>(a, 16), Family);
            }
        }
    }

    /// <summary>A copy of the 40 key bytes.</summary>
    public readonly byte[] ToBytes() => MemoryMarshal.AsBytes(new ReadOnlySpan<FlowKey>(in this)).ToArray();

    /// <inheritdoc />
    public override readonly string ToString() => $"{Source}:{SourcePort} -> {Destination}:{DestinationPort}/{Proto}";
}
