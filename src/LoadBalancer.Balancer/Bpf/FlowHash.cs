using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace LoadBalancer.Balancer.Bpf;

/// <summary>
/// The balancer's flow hash, bit for bit as <c>include/flow_hash.h</c> (documented in src/bpf/README.md):
/// the 40-byte flow key masked per the VIP's hash flags, read as ten little-endian words, jhash2 with
/// seed <see cref="BalancerConstants.FlowHashSeed"/>. Every instance computes the same value, so the
/// control plane can predict ring picks ("what if") and any LB picks the same real.
/// </summary>
public static class FlowHash
{
    private const uint JhashInitval = 0xdeadbeef;

    /// <summary>The flow hash of <paramref name="key"/> under <paramref name="flags"/>.</summary>
    public static uint Compute(in FlowKey key, VipFlags flags) =>
        Compute(MemoryMarshal.AsBytes(new ReadOnlySpan<FlowKey>(in key)), flags);

    /// <summary>The flow hash of a 40-byte flow key under <paramref name="flags"/>.</summary>
    /// <exception cref="ArgumentException">The key is not 40 bytes.</exception>
    public static uint Compute(ReadOnlySpan<byte> flowKey, VipFlags flags)
    {
        if (flowKey.Length != 40)
        {
            throw new ArgumentException($"A flow key has 40 bytes; {flowKey.Length} were given.", nameof(flowKey));
        }

        Span<byte> input = stackalloc byte[40];
        input.Clear();
        input[37] = flowKey[37];
        var srcOnly = (flags & VipFlags.HashSourceOnly) != 0;
        var dportOnly = (flags & VipFlags.HashDestinationPortOnly) != 0;
        if (srcOnly || dportOnly)
        {
            if (srcOnly)
            {
                flowKey[..16].CopyTo(input);
            }

            if (dportOnly)
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

        return Jhash2(words, BalancerConstants.FlowHashSeed);
    }

    /// <summary>The ring slot (0..RingSize-1 within the VIP's ring) a hash selects.</summary>
    public static int RingSlot(uint hash) => (int)(hash % BalancerConstants.RingSize);

    /// <summary>Linux's <c>jhash2</c>: Bob Jenkins' lookup3 over u32 words.</summary>
    public static uint Jhash2(ReadOnlySpan<uint> k, uint initval)
    {
        uint a, b, c;
        a = b = c = JhashInitval + ((uint)k.Length << 2) + initval;
        var length = k.Length;
        var i = 0;
        while (length > 3)
        {
            a += k[i];
            b += k[i + 1];
            c += k[i + 2];
            Mix(ref a, ref b, ref c);
            length -= 3;
            i += 3;
        }

        switch (length)
        {
            case 3:
                c += k[i + 2];
                goto case 2;
            case 2:
                b += k[i + 1];
                goto case 1;
            case 1:
                a += k[i];
                Final(ref a, ref b, ref c);
                break;
        }

        return c;
    }

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
