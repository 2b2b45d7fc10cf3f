using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Maps.Internal;

namespace LoadBalancer.Ebpf.Tests.Maps.Internal;

public sealed unsafe class KeyShapesTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(20)]
    [InlineData(24)]
    [InlineData(40)]
    public void Fixed_size_hash_equals_the_generic_hash_on_random_keys_and_seeds(int size)
    {
        var random = new Random(size);
        var key = new byte[size + 3];
        for (int i = 0; i < 2000; i++)
        {
            random.NextBytes(key);
            ulong seed = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
            int offset = i % 4; // unaligned keys too: the program's key is on its stack
            fixed (byte* k = &key[offset])
            {
                Assert.Equal(KeyHash.Hash(k, size, seed), ShapeHash(size, k, seed));
            }
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(20)]
    [InlineData(24)]
    [InlineData(40)]
    public void Fixed_size_compare_finds_a_difference_in_every_byte_and_bit(int size)
    {
        var random = new Random(size);
        byte* stored = (byte*)NativeMemory.AlignedAlloc(64, 64);
        try
        {
            var key = new byte[size + 1];
            for (int round = 0; round < 20; round++)
            {
                random.NextBytes(key);
                new ReadOnlySpan<byte>(key, 1, size).CopyTo(new Span<byte>(stored, size));
                fixed (byte* k = &key[1])
                {
                    Assert.True(ShapeEqual(size, stored, k));
                    for (int b = 0; b < size; b++)
                    {
                        byte mask = (byte)(1 << random.Next(8));
                        k[b] ^= mask;
                        Assert.False(ShapeEqual(size, stored, k), $"byte {b} mask {mask:x2}");
                        k[b] ^= mask;
                    }

                    Assert.True(ShapeEqual(size, stored, k));
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(stored);
        }
    }

    private static ulong ShapeHash(int size, byte* key, ulong seed) => size switch
    {
        4 => Key4.Hash(key, seed),
        8 => Key8.Hash(key, seed),
        16 => Key16.Hash(key, seed),
        20 => Key20.Hash(key, seed),
        24 => Key24.Hash(key, seed),
        _ => Key40.Hash(key, seed),
    };

    private static bool ShapeEqual(int size, byte* stored, byte* key) => size switch
    {
        4 => Key4.Equal(stored, key),
        8 => Key8.Equal(stored, key),
        16 => Key16.Equal(stored, key),
        20 => Key20.Equal(stored, key),
        24 => Key24.Equal(stored, key),
        _ => Key40.Equal(stored, key),
    };
}
