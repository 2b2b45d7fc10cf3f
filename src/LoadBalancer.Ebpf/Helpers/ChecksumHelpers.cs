using System.Buffers.Binary;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary><c>bpf_csum_diff</c> (28) with the kernel's exact result.</summary>
public static unsafe class ChecksumHelpers
{
    /// <summary>The kernel's limit on from_size + to_size (its per-CPU scratch of 128 words).</summary>
    public const int MaxDiffBytes = 512;

    /// <summary>
    /// <c>bpf_csum_diff(from, from_size, to, to_size, seed)</c>: the 32-bit one's-complement sum of
    /// <c>seed</c>, the complement of every 32-bit word of <c>from</c> and every word of <c>to</c>
    /// (the kernel's <c>csum_partial</c> over that buffer, unfolded to 32 bits). Sizes must be multiples
    /// of 4 totalling at most 512 bytes, else -EINVAL.
    /// </summary>
    public static ulong CsumDiff(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (((r2 | r4) & 3) != 0 || r2 > MaxDiffBytes || r4 > MaxDiffBytes || r2 + r4 > MaxDiffBytes ||
            !HelperSupport.Readable(context, r1, r2) || !HelperSupport.Readable(context, r3, r4))
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        ulong sum = (uint)r5;
        var from = (byte*)r1;
        for (ulong i = 0; i < r2; i += 4)
        {
            sum += ~BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(from + i, 4));
        }

        var to = (byte*)r3;
        for (ulong i = 0; i < r4; i += 4)
        {
            sum += BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(to + i, 4));
        }

        return Fold(sum);
    }

    /// <summary>
    /// End-around-carry folding of a sum of 32-bit words into 32 bits as csum_partial does: 0 only
    /// when every word was 0, else the value in 1..2^32-1 congruent to the sum modulo 2^32-1.
    /// </summary>
    internal static ulong Fold(ulong sum) => sum == 0 ? 0 : ((sum - 1) % 0xffffffffUL) + 1;
}
