using System.Buffers.Binary;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Tests.Helpers;

public sealed unsafe class ChecksumHelpersTests
{
    /// <summary>RFC 1071 over big-endian 16-bit words (odd tail zero-padded), not complemented, end-around carry.</summary>
    private static ushort Rfc1071Sum(ReadOnlySpan<byte> bytes)
    {
        ulong sum = 0;
        for (var i = 0; i < bytes.Length; i += 2)
        {
            sum += i + 1 < bytes.Length ? BinaryPrimitives.ReadUInt16BigEndian(bytes[i..]) : (ulong)(bytes[i] << 8);
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)sum;
    }

    [Fact]
    public void Summing_one_buffer_gives_the_rfc_1071_sum_in_memory_byte_order()
    {
        using var f = new HelperFixture();
        var random = new Random(7);
        for (var length = 1; length < 200; length += 3)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            bytes.CopyTo(new Span<byte>(f.Memory, length));
            var result = ChecksumHelpers.CsumDiff(f.Context, 0, 0, f.At(0), (ulong)length, 0);
            // Little-endian word sums are the byte-swapped network-order sum.
            Assert.Equal(BinaryPrimitives.ReverseEndianness(Rfc1071Sum(bytes)), (ushort)result);
            Assert.Equal(result, result & 0xffff);
        }
    }

    [Fact]
    public void A_diff_of_a_changed_word_updates_a_checksum_like_rfc_1624()
    {
        using var f = new HelperFixture();
        var header = Convert.FromHexString("4500003C1C4640004006B1E6AC100A63AC100A0C");
        header.CopyTo(new Span<byte>(f.Memory, 20));
        var changed = (byte[])header.Clone();
        changed[8] = 0x3f; // TTL 64 -> 63
        changed.CopyTo(new Span<byte>(f.Memory + 64, 20));
        var diff = ChecksumHelpers.CsumDiff(f.Context, f.At(0), 20, f.At(64), 20, 0);
        // Folding the diff into the old sum gives the new header's sum.
        ulong total = BinaryPrimitives.ReverseEndianness(Rfc1071Sum(header)) + diff;
        total = (total & 0xffff) + (total >> 16);
        Assert.Equal(BinaryPrimitives.ReverseEndianness(Rfc1071Sum(changed)), (ushort)total);
        Assert.NotEqual(0UL, diff);
    }

    [Fact]
    public void Zero_sizes_return_the_folded_seed_and_zero_input_stays_zero()
    {
        using var f = new HelperFixture();
        Assert.Equal(0x1235UL, ChecksumHelpers.CsumDiff(f.Context, 0, 0, 0, 0, 0x00011234));
        Assert.Equal(0UL, ChecksumHelpers.CsumDiff(f.Context, 0, 0, f.At(100), 8, 0));
        // Pulling zeros: ~csum_partial(zeros, ~0) = ~0xffffffff = 0.
        Assert.Equal(0UL, ChecksumHelpers.CsumDiff(f.Context, f.At(100), 8, 0, 0, 0));
        // Pulling one word w with seed 0: ~(~0 + w) folded = the 16-bit complement of w's halves.
        f.Write(200, 0x00010002u);
        Assert.Equal(0xfffcUL, ChecksumHelpers.CsumDiff(f.Context, f.At(200), 4, 0, 0, 0));
    }

    [Fact]
    public void Buffers_outside_the_regions_give_einval()
    {
        using var f = new HelperFixture();
        var einval = unchecked((ulong)-BpfErrno.EINVAL);
        Assert.Equal(einval, ChecksumHelpers.CsumDiff(f.Context, 8, 4, f.At(0), 4, 0));
        Assert.Equal(einval, ChecksumHelpers.CsumDiff(f.Context, f.At(0), 4, f.At(HelperFixture.MemorySize - 2), 4, 0));
    }
}
