using System.Buffers.Binary;
using System.Net;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>RFC 1071 Internet checksum, independent of the BPF program's code.</summary>
internal static class Checksum
{
    public static ushort Compute(ReadOnlySpan<byte> data, uint initial = 0)
    {
        var sum = initial;
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    public static ushort Icmpv6(IPAddress src, IPAddress dst, ReadOnlySpan<byte> message)
    {
        var pseudo = new byte[40 + message.Length];
        src.GetAddressBytes().CopyTo(pseudo, 0);
        dst.GetAddressBytes().CopyTo(pseudo, 16);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)message.Length);
        pseudo[39] = 58;
        message.CopyTo(pseudo.AsSpan(40));
        return Compute(pseudo);
    }

    /// <summary>True when the checksum over <paramref name="data"/> (checksum field included) verifies.</summary>
    public static bool Verifies(ReadOnlySpan<byte> data) => Compute(data) == 0;
}
