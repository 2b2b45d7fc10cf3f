using System.Runtime.InteropServices;
using System.Text;
using LoadBalancer.Balancer.Maglev;

namespace LoadBalancer.Balancer.Tests.Maglev;

public sealed class MaglevHashTests
{
    [Fact]
    public void The_hashes_are_xxh64_with_the_documented_seeds()
    {
        // XXH64 of no bytes with seed 0 is the published test vector 0xEF46DB3751D8E999.
        Assert.Equal(0xEF46DB3751D8E999, System.IO.Hashing.XxHash64.HashToUInt64([], 0));
        byte[] identity = Encoding.ASCII.GetBytes("10.0.0.1:80");

        Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(identity, 0x4D61676C65764F66), MaglevHash.OffsetHash(identity));
        Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(identity, 0x4D61676C6576536B), MaglevHash.SkipHash(identity));
        Assert.Equal("MaglevOf"u8.ToArray(), BitConverter.GetBytes(MaglevHash.OffsetSeed).Reverse().ToArray());
        Assert.Equal("MaglevSk"u8.ToArray(), BitConverter.GetBytes(MaglevHash.SkipSeed).Reverse().ToArray());
    }

    [Fact]
    public void The_hashes_equal_libxxhash_xxh64_on_random_identities()
    {
        if (!NativeLibrary.TryLoad("libxxhash.so.0", out IntPtr library))
        {
            Assert.Skip("libxxhash.so.0 is not installed (Debian package libxxhash0).");
        }

        var xxh64 = Marshal.GetDelegateForFunctionPointer<Xxh64>(NativeLibrary.GetExport(library, "XXH64"));
        var random = new Random(7);
        for (int length = 1; length < 80; length++)
        {
            byte[] identity = new byte[length];
            random.NextBytes(identity);

            Assert.Equal(xxh64(identity, (nuint)length, MaglevHash.OffsetSeed), MaglevHash.OffsetHash(identity));
            Assert.Equal(xxh64(identity, (nuint)length, MaglevHash.SkipSeed), MaglevHash.SkipHash(identity));
        }
    }

    [Theory]
    [InlineData(0UL, 65537, 0, 1)]
    [InlineData(65537UL, 65537, 0, 2)]
    [InlineData(ulong.MaxValue, 65537, 0, 65536)]
    [InlineData(65535UL, 65537, 65535, 65536)]
    [InlineData(5UL, 2, 1, 1)]
    public void Offset_and_skip_are_the_hash_modulo_size_and_size_minus_one_plus_one(ulong hash, int size, int offset, int skip)
    {
        Assert.Equal(offset, MaglevHash.Offset(hash, size));
        Assert.Equal(skip, MaglevHash.Skip(hash, size));
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate ulong Xxh64(byte[] input, nuint length, ulong seed);
}
