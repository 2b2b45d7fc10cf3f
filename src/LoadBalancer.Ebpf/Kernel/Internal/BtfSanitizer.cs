using System.Buffers.Binary;

namespace LoadBalancer.Ebpf.Kernel.Internal;

/// <summary>
/// Makes a compiler's <c>.BTF</c> section acceptable to <c>BPF_BTF_LOAD</c>, as libbpf does before
/// loading: clang leaves DATASEC sizes at 0 (the linker decides them) and may leave every variable of a
/// section at offset 0 (<c>.maps</c>). Each DATASEC whose variables overlap gets them laid out one after
/// the other (8-aligned), and a size of 0 becomes the end of its last variable. The programs loaded with
/// this BTF do not depend on those offsets (map references are resolved by index), only the kernel's
/// consistency checks do.
/// </summary>
internal static class BtfSanitizer
{
    private const int KindInt = 1, KindArray = 3, KindStruct = 4, KindUnion = 5, KindEnum = 6, KindFuncProto = 13,
        KindVar = 14, KindDatasec = 15, KindDeclTag = 17, KindEnum64 = 19;

    /// <summary>A sanitised copy of <paramref name="btf"/> (a valid, little-endian BTF blob).</summary>
    /// <exception cref="ArgumentException">The blob is truncated or has an unknown kind.</exception>
    public static byte[] ForKernel(ReadOnlySpan<byte> btf)
    {
        var copy = btf.ToArray();
        if (copy.Length < 24)
        {
            throw new ArgumentException($"BTF of {copy.Length} bytes is truncated (the header alone is 24).", nameof(btf));
        }

        var hdrLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(4));
        var typeOff = (int)BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(8));
        var typeLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(12));
        var types = copy.AsSpan(hdrLen + typeOff, typeLen);
        var p = 0;
        while (p < types.Length)
        {
            var info = BinaryPrimitives.ReadUInt32LittleEndian(types[(p + 4)..]);
            var kind = (int)((info >> 24) & 0x1f);
            var vlen = (int)(info & 0xffff);
            var body = p + 12;
            p = body + kind switch
            {
                KindInt or KindVar or KindDeclTag => 4,
                KindArray => 12,
                KindStruct or KindUnion or KindEnum64 => 12 * vlen,
                KindEnum or KindFuncProto => 8 * vlen,
                KindDatasec => 12 * vlen,
                >= 1 and <= 19 => 0,
                _ => throw new ArgumentException($"BTF type at offset {p} has unknown kind {kind}.", nameof(btf)),
            };
            if (kind == KindDatasec)
            {
                FixDatasec(types[(body - 12)..p], vlen);
            }
        }

        return copy;
    }

    private static void FixDatasec(Span<byte> record, int vlen)
    {
        var entries = record[12..];
        var overlap = false;
        var end = 0u;
        for (var i = 0; i < vlen; i++)
        {
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(entries[(12 * i + 4)..]);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(entries[(12 * i + 8)..]);
            overlap |= offset < end;
            end = Math.Max(end, offset + size);
        }

        if (overlap)
        {
            end = 0;
            for (var i = 0; i < vlen; i++)
            {
                var size = BinaryPrimitives.ReadUInt32LittleEndian(entries[(12 * i + 8)..]);
                var offset = (end + 7) & ~7u;
                BinaryPrimitives.WriteUInt32LittleEndian(entries[(12 * i + 4)..], offset);
                end = offset + size;
            }
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(record[8..]) < end)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], end);
        }
    }
}
