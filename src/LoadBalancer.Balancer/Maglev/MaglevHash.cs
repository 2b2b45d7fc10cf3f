using System.IO.Hashing;

namespace LoadBalancer.Balancer.Maglev;

/// <summary>
/// The two fixed hashes of a backend's identity that place it in a Maglev table, documented exactly so
/// that any implementation (another LB instance, another language) builds the same table bit for bit.
/// </summary>
/// <remarks>
/// <para>Both hashes are XXH64 (xxHash, 64-bit variant, as specified by the xxHash project and
/// implemented by <c>XXH64()</c> in libxxhash) over the backend's identity bytes, with two fixed seeds:
/// <see cref="OffsetSeed"/> for the offset hash and <see cref="SkipSeed"/> for the skip hash.</para>
/// <para>For a table of prime size M the backend's preference list is
/// <c>permutation[j] = (offset + j·skip) mod M</c> with <c>offset = offsetHash mod M</c> and
/// <c>skip = (skipHash mod (M − 1)) + 1</c>, the moduli taken on the unsigned 64-bit hash values
/// (Eisenbud et al., "Maglev", NSDI 2016, section 3.4).</para>
/// <para>.NET's <c>string.GetHashCode</c> is never used: it is randomised per process.</para>
/// </remarks>
public static class MaglevHash
{
    /// <summary>XXH64 seed of the offset hash: 0x4D61676C65764F66 (the ASCII bytes "MaglevOf" read big-endian).</summary>
    public const ulong OffsetSeed = 0x4D61676C65764F66;

    /// <summary>XXH64 seed of the skip hash: 0x4D61676C6576536B (the ASCII bytes "MaglevSk" read big-endian).</summary>
    public const ulong SkipSeed = 0x4D61676C6576536B;

    /// <summary>The offset hash of an identity: XXH64(identity, seed <see cref="OffsetSeed"/>).</summary>
    public static ulong OffsetHash(ReadOnlySpan<byte> identity) =>
        XxHash64.HashToUInt64(identity, unchecked((long)OffsetSeed));

    /// <summary>The skip hash of an identity: XXH64(identity, seed <see cref="SkipSeed"/>).</summary>
    public static ulong SkipHash(ReadOnlySpan<byte> identity) =>
        XxHash64.HashToUInt64(identity, unchecked((long)SkipSeed));

    /// <summary>The first slot a backend prefers in a table of <paramref name="size"/> slots: offsetHash mod size.</summary>
    public static int Offset(ulong offsetHash, int size) => (int)(offsetHash % (ulong)size);

    /// <summary>
    /// The step between a backend's preferred slots in a table of <paramref name="size"/> slots:
    /// (skipHash mod (size − 1)) + 1, in 1..size−1, so with a prime size the steps visit every slot once.
    /// </summary>
    public static int Skip(ulong skipHash, int size) => (int)(skipHash % (ulong)(size - 1)) + 1;
}
