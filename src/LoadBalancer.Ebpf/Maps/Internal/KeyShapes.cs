using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LoadBalancer.Ebpf.Maps.Internal;

/// <summary>4-byte keys.</summary>
internal readonly unsafe struct Key4 : IKeyShape
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(byte* key, ulong seed) => KeyHash.Final(KeyHash.Round4(KeyHash.Start(seed, 4), key));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(byte* stored, byte* key) => *(uint*)stored == Unsafe.ReadUnaligned<uint>(key);
}

/// <summary>8-byte keys.</summary>
internal readonly unsafe struct Key8 : IKeyShape
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(byte* key, ulong seed) => KeyHash.Final(KeyHash.Round8(KeyHash.Start(seed, 8), key));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(byte* stored, byte* key) => *(ulong*)stored == Unsafe.ReadUnaligned<ulong>(key);
}

/// <summary>16-byte keys.</summary>
internal readonly unsafe struct Key16 : IKeyShape
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(byte* key, ulong seed)
    {
        ulong h = KeyHash.Round8(KeyHash.Start(seed, 16), key);
        return KeyHash.Final(KeyHash.Round8(h, key + 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(byte* stored, byte* key) =>
        Vector128.Load(stored) == Vector128.LoadUnsafe(ref *key);
}

/// <summary>20-byte keys (the balancer's vip_key).</summary>
internal readonly unsafe struct Key20 : IKeyShape
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(byte* key, ulong seed)
    {
        ulong h = KeyHash.Round8(KeyHash.Start(seed, 20), key);
        h = KeyHash.Round8(h, key + 8);
        return KeyHash.Final(KeyHash.Round4(h, key + 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(byte* stored, byte* key) =>
        Vector128.Load(stored) == Vector128.LoadUnsafe(ref *key) &&
        *(uint*)(stored + 16) == Unsafe.ReadUnaligned<uint>(key + 16);
}

/// <summary>24-byte keys.</summary>
internal readonly unsafe struct Key24 : IKeyShape
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(byte* key, ulong seed)
    {
        ulong h = KeyHash.Round8(KeyHash.Start(seed, 24), key);
        h = KeyHash.Round8(h, key + 8);
        return KeyHash.Final(KeyHash.Round8(h, key + 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(byte* stored, byte* key) =>
        Vector128.Load(stored) == Vector128.LoadUnsafe(ref *key) &&
        *(ulong*)(stored + 16) == Unsafe.ReadUnaligned<ulong>(key + 16);
}

/// <summary>40-byte keys (the balancer's flow_key).</summary>
internal readonly unsafe struct Key40 : IKeyShape
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(byte* key, ulong seed)
    {
        ulong h = KeyHash.Round8(KeyHash.Start(seed, 40), key);
        h = KeyHash.Round8(h, key + 8);
        h = KeyHash.Round8(h, key + 16);
        h = KeyHash.Round8(h, key + 24);
        return KeyHash.Final(KeyHash.Round8(h, key + 32));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(byte* stored, byte* key)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            return Vector256.Load(stored) == Vector256.LoadUnsafe(ref *key) &&
                *(ulong*)(stored + 32) == Unsafe.ReadUnaligned<ulong>(key + 32);
        }

        return Vector128.Load(stored) == Vector128.LoadUnsafe(ref *key) &&
            Vector128.Load(stored + 16) == Vector128.LoadUnsafe(ref *(key + 16)) &&
            *(ulong*)(stored + 32) == Unsafe.ReadUnaligned<ulong>(key + 32);
    }
}
