using System.Buffers.Binary;
using System.Numerics;

namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>
/// The flow hash, outer source address and GUE source port as src/bpf/README.md defines them,
/// written from the README (not from the C) so the tests check the program against the document.
/// </summary>
internal static class FlowHashReference
{
    public const uint Seed = 0x3176424c; // "LBv1" as a little-endian u32
    private const uint JhashInitval = 0xdeadbeef;

    /// <summary>jhash2 (lookup3 over u32 words) with the given initval.</summary>
    public static uint Jhash2(ReadOnlySpan<uint> k, uint initval)
    {
        uint a, b, c;
        a = b = c = JhashInitval + ((uint)k.Length << 2) + initval;
        var length = k.Length;
        var i = 0;
        while (length > 3)
        {
            a += k[i]; b += k[i + 1]; c += k[i + 2];
            Mix(ref a, ref b, ref c);
            length -= 3;
            i += 3;
        }

        switch (length)
        {
            case 3: c += k[i + 2]; goto case 2;
            case 2: b += k[i + 1]; goto case 1;
            case 1:
                a += k[i];
                Final(ref a, ref b, ref c);
                break;
        }

        return c;
    }

    /// <summary>The flow hash of a 40-byte flow key masked per the VIP flags.</summary>
    public static uint FlowHash(ReadOnlySpan<byte> flowKey, uint vipFlags)
    {
        Span<byte> input = stackalloc byte[40];
        input.Clear();
        input[37] = flowKey[37]; // family
        if ((vipFlags & (BalancerLayout.VipHashSrcOnly | BalancerLayout.VipHashDportOnly)) != 0)
        {
            if ((vipFlags & BalancerLayout.VipHashSrcOnly) != 0)
            {
                flowKey[..16].CopyTo(input);
            }

            if ((vipFlags & BalancerLayout.VipHashDportOnly) != 0)
            {
                flowKey.Slice(34, 2).CopyTo(input[34..]);
            }
        }
        else
        {
            flowKey[..37].CopyTo(input);
        }

        Span<uint> words = stackalloc uint[10];
        for (var i = 0; i < 10; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(input[(i * 4)..]);
        }

        return Jhash2(words, Seed);
    }

    /// <summary>Outer IPv4 source: prefix with its low <paramref name="bits"/> bits from the hash.</summary>
    public static byte[] OuterSourceV4(ReadOnlySpan<byte> prefix, int bits, uint hash)
    {
        var mask = bits >= 32 ? uint.MaxValue : (1u << bits) - 1;
        var value = (BinaryPrimitives.ReadUInt32BigEndian(prefix) & ~mask) | (hash & mask);
        var result = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(result, value);
        return result;
    }

    /// <summary>Outer IPv6 source: prefix with the low <paramref name="bits"/> bits of its last word from the hash.</summary>
    public static byte[] OuterSourceV6(ReadOnlySpan<byte> prefix, int bits, uint hash)
    {
        var result = prefix[..16].ToArray();
        var mask = bits >= 32 ? uint.MaxValue : (1u << bits) - 1;
        var last = (BinaryPrimitives.ReadUInt32BigEndian(prefix[12..]) & ~mask) | (hash & mask);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(12), last);
        return result;
    }

    /// <summary>GUE UDP source port: 49152 + bits 16..29 of the hash.</summary>
    public static ushort GueSourcePort(uint hash) => (ushort)(0xc000 | ((hash >> 16) & 0x3fff));

    private static void Mix(ref uint a, ref uint b, ref uint c)
    {
        a -= c; a ^= BitOperations.RotateLeft(c, 4); c += b;
        b -= a; b ^= BitOperations.RotateLeft(a, 6); a += c;
        c -= b; c ^= BitOperations.RotateLeft(b, 8); b += a;
        a -= c; a ^= BitOperations.RotateLeft(c, 16); c += b;
        b -= a; b ^= BitOperations.RotateLeft(a, 19); a += c;
        c -= b; c ^= BitOperations.RotateLeft(b, 4); b += a;
    }

    private static void Final(ref uint a, ref uint b, ref uint c)
    {
        c ^= b; c -= BitOperations.RotateLeft(b, 14);
        a ^= c; a -= BitOperations.RotateLeft(c, 11);
        b ^= a; b -= BitOperations.RotateLeft(a, 25);
        c ^= b; c -= BitOperations.RotateLeft(b, 16);
        a ^= c; a -= BitOperations.RotateLeft(c, 4);
        b ^= a; b -= BitOperations.RotateLeft(a, 14);
        c ^= b; c -= BitOperations.RotateLeft(b, 24);
    }
}
