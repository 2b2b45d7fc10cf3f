using System.Numerics;
using System.Runtime.CompilerServices;

namespace LoadBalancer.Ebpf.Maps.Internal;

/// <summary>
/// 64-bit hash of key bytes in the style of xxHash64 (multiply-rotate rounds over 8-byte lanes, then
/// an avalanche), seeded per map so keys chosen by traffic cannot target one probe sequence.
/// </summary>
internal static unsafe class KeyHash
{
    private const ulong P1 = 0x9E3779B185EBCA87UL;
    private const ulong P2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong P3 = 0x165667B19E3779F9UL;
    private const ulong P4 = 0x85EBCA77C2B2AE63UL;
    private const ulong P5 = 0x27D4EB2F165667C5UL;

    /// <summary>Initial state for a key of <paramref name="length"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Start(ulong seed, int length) => seed + P5 + (ulong)length;

    /// <summary>One 8-byte lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Round8(ulong h, byte* p)
    {
        ulong k = Unsafe.ReadUnaligned<ulong>(p) * P2;
        h ^= BitOperations.RotateLeft(k, 31) * P1;
        return (BitOperations.RotateLeft(h, 27) * P1) + P4;
    }

    /// <summary>One 4-byte lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Round4(ulong h, byte* p)
    {
        h ^= Unsafe.ReadUnaligned<uint>(p) * P1;
        return (BitOperations.RotateLeft(h, 23) * P2) + P3;
    }

    /// <summary>The avalanche.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Final(ulong h)
    {
        h ^= h >> 33;
        h *= P2;
        h ^= h >> 29;
        h *= P3;
        h ^= h >> 32;
        return h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(byte* p, int length, ulong seed)
    {
        ulong h = seed + P5 + (ulong)length;
        while (length >= 8)
        {
            ulong k = Unsafe.ReadUnaligned<ulong>(p) * P2;
            h ^= BitOperations.RotateLeft(k, 31) * P1;
            h = (BitOperations.RotateLeft(h, 27) * P1) + P4;
            p += 8;
            length -= 8;
        }

        if (length >= 4)
        {
            h ^= Unsafe.ReadUnaligned<uint>(p) * P1;
            h = (BitOperations.RotateLeft(h, 23) * P2) + P3;
            p += 4;
            length -= 4;
        }

        while (length > 0)
        {
            h ^= *p * P5;
            h = BitOperations.RotateLeft(h, 11) * P1;
            p++;
            length--;
        }

        h ^= h >> 33;
        h *= P2;
        h ^= h >> 29;
        h *= P3;
        h ^= h >> 32;
        return h;
    }
}
