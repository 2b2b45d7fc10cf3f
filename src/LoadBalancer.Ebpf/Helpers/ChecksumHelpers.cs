using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary><c>bpf_csum_diff</c> (28) with the result of current kernels (6.12 and later, x86-64).</summary>
public static unsafe class ChecksumHelpers
{
    /// <summary>
    /// <c>bpf_csum_diff(from, from_size, to, to_size, seed)</c> as the kernel computes it: with both
    /// buffers <c>csum_sub(csum_partial(to, seed), csum_partial(from, 0))</c>, with only <c>to</c>
    /// <c>csum_partial(to, seed)</c>, with only <c>from</c> <c>~csum_partial(from, ~seed)</c>, with neither
    /// the seed; then folded to 16 bits (<c>csum_from32to16</c>). Any sizes (trailing bytes are
    /// zero-padded, as csum_partial reads them); -EINVAL when a buffer is outside the run's regions.
    /// </summary>
    public static ulong CsumDiff(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5)
    {
        if (r2 > int.MaxValue || r4 > int.MaxValue || !HelperSupport.Readable(context, r1, r2) || !HelperSupport.Readable(context, r3, r4))
        {
            return HelperSupport.Error(BpfErrno.EINVAL);
        }

        var seed = (uint)r5;
        uint result;
        if (r2 != 0 && r4 != 0)
        {
            result = Add(Partial((byte*)r3, (int)r4, seed), ~Partial((byte*)r1, (int)r2, 0));
        }
        else if (r4 != 0)
        {
            result = Partial((byte*)r3, (int)r4, seed);
        }
        else if (r2 != 0)
        {
            result = ~Partial((byte*)r1, (int)r2, ~seed);
        }
        else
        {
            result = seed;
        }

        return From32To16(result);
    }

    /// <summary>
    /// x86-64 <c>csum_partial</c>: the end-around-carry sum of the seed and the buffer's little-endian
    /// 32-bit words (the last one zero-padded). Its value is 0 only when everything summed is 0, else the
    /// number in 1..2^32-1 congruent to the plain sum modulo 2^32-1, whatever order the words are added in.
    /// </summary>
    internal static uint Partial(byte* buffer, int length, uint seed)
    {
        ulong sum = seed;
        var i = 0;
        for (; i + 4 <= length; i += 4)
        {
            sum += System.Runtime.CompilerServices.Unsafe.ReadUnaligned<uint>(buffer + i);
        }

        uint tail = 0;
        for (var shift = 0; i < length; i++, shift += 8)
        {
            tail |= (uint)buffer[i] << shift;
        }

        sum += tail;
        return sum == 0 ? 0 : (uint)(((sum - 1) % 0xffffffffUL) + 1);
    }

    /// <summary>The kernel's <c>csum_add</c>: 32-bit add with end-around carry.</summary>
    internal static uint Add(uint a, uint b)
    {
        var sum = a + b;
        return sum + (sum < b ? 1u : 0u);
    }

    /// <summary>The kernel's <c>csum_from32to16</c>: adds the two halves with end-around carry.</summary>
    internal static ulong From32To16(uint sum)
    {
        sum += (sum >> 16) | (sum << 16);
        return sum >> 16;
    }
}
