using System.Buffers.Binary;
using System.Net;

namespace LoadBalancer.Balancer.Tests.Runtime;

/// <summary>Fast IPv4/TCP frames for bulk traffic: one template, source address and ports patched in place.</summary>
internal static class RawFrames
{
    /// <summary>Writes an Ethernet + IPv4 + TCP frame (54 bytes) into <paramref name="frame"/>.</summary>
    public static void Tcp4(Span<byte> frame, uint source, IPAddress destination, ushort sourcePort, ushort destinationPort, bool syn)
    {
        frame[..54].Clear();
        frame[0] = 0x02;
        frame[5] = 0x02;
        frame[6] = 0x02;
        frame[11] = 0x01;
        frame[12] = 0x08;
        frame[14] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(frame[16..], 40);
        frame[22] = 64;
        frame[23] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(frame[26..], source);
        destination.TryWriteBytes(frame[30..34], out _);
        BinaryPrimitives.WriteUInt16BigEndian(frame[34..], sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(frame[36..], destinationPort);
        frame[46] = 0x50;
        frame[47] = syn ? (byte)0x02 : (byte)0x10;
    }

    /// <summary>The outer IPv4 destination of an encapsulated (IPIP or GUE over IPv4) output.</summary>
    public static uint OuterDestinationV4(ReadOnlySpan<byte> output) => BinaryPrimitives.ReadUInt32BigEndian(output[30..]);

    public static uint ToUInt32(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());
}
