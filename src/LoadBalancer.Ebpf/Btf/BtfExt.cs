using System.Buffers.Binary;

namespace LoadBalancer.Ebpf.Btf;

/// <summary>
/// Parsed <c>.BTF.ext</c> section: per ELF code section, the func_info records (where each function
/// starts and its BTF type) and the line_info records (source file, line, column, text per
/// instruction). CO-RE relocation records are not read.
/// </summary>
public sealed class BtfExt
{
    private const int MinFuncRecord = 8;
    private const int MinLineRecord = 16;

    private BtfExt(Dictionary<string, BtfFuncInfo[]> funcs, Dictionary<string, BtfLineInfo[]> lines)
    {
        FuncInfo = funcs;
        LineInfo = lines;
    }

    /// <summary>func_info records by ELF section name, in file order.</summary>
    public IReadOnlyDictionary<string, BtfFuncInfo[]> FuncInfo { get; }

    /// <summary>line_info records by ELF section name, in file order.</summary>
    public IReadOnlyDictionary<string, BtfLineInfo[]> LineInfo { get; }

    /// <summary>Parses a <c>.BTF.ext</c> section; names and text come from <paramref name="btf"/>'s string table.</summary>
    /// <exception cref="BtfException">The data is malformed; the message names the offset.</exception>
    public static BtfExt Parse(ReadOnlySpan<byte> data, BtfSpec btf)
    {
        if (data.Length < 24)
        {
            throw new BtfException($".BTF.ext header is truncated: {data.Length} bytes, need at least 24.");
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(data) != BtfSpec.Magic || data[2] != 1)
        {
            throw new BtfException(".BTF.ext has a bad magic number or version (expected 0xeb9f, version 1).");
        }

        var hdrLen = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (hdrLen < 24 || hdrLen > data.Length)
        {
            throw new BtfException($".BTF.ext header length {hdrLen} is outside the section ({data.Length} bytes).");
        }

        var body = data[(int)hdrLen..];
        var funcArea = Area(body, BinaryPrimitives.ReadUInt32LittleEndian(data[8..]), BinaryPrimitives.ReadUInt32LittleEndian(data[12..]), "func_info");
        var lineArea = Area(body, BinaryPrimitives.ReadUInt32LittleEndian(data[16..]), BinaryPrimitives.ReadUInt32LittleEndian(data[20..]), "line_info");

        var funcs = new Dictionary<string, BtfFuncInfo[]>(StringComparer.Ordinal);
        ReadBlocks(funcArea, "func_info", MinFuncRecord, btf, funcs, static (r, _) => new BtfFuncInfo(
            BinaryPrimitives.ReadUInt32LittleEndian(r), BinaryPrimitives.ReadUInt32LittleEndian(r[4..])));
        var lines = new Dictionary<string, BtfLineInfo[]>(StringComparer.Ordinal);
        ReadBlocks(lineArea, "line_info", MinLineRecord, btf, lines, static (r, spec) =>
        {
            var lineCol = BinaryPrimitives.ReadUInt32LittleEndian(r[12..]);
            return new BtfLineInfo(
                BinaryPrimitives.ReadUInt32LittleEndian(r),
                spec.GetString(BinaryPrimitives.ReadUInt32LittleEndian(r[4..])),
                spec.GetString(BinaryPrimitives.ReadUInt32LittleEndian(r[8..])),
                lineCol >> 10,
                lineCol & 0x3ff);
        });
        return new BtfExt(funcs, lines);
    }

    private delegate T RecordReader<T>(ReadOnlySpan<byte> record, BtfSpec btf);

    private static ReadOnlySpan<byte> Area(ReadOnlySpan<byte> body, uint offset, uint length, string what) =>
        (ulong)offset + length <= (ulong)body.Length
            ? body.Slice((int)offset, (int)length)
            : throw new BtfException($".BTF.ext {what} area [{offset}, +{length}) is outside the section ({body.Length} bytes after the header).");

    private static void ReadBlocks<T>(ReadOnlySpan<byte> area, string what, int minRecord, BtfSpec btf, Dictionary<string, T[]> into, RecordReader<T> read)
    {
        if (area.IsEmpty)
        {
            return;
        }

        if (area.Length < 4)
        {
            throw new BtfException($".BTF.ext {what} area is too short for its record size.");
        }

        var recordSize = BinaryPrimitives.ReadUInt32LittleEndian(area);
        if (recordSize < minRecord || recordSize > 1024 || recordSize % 4 != 0)
        {
            throw new BtfException($".BTF.ext {what} record size {recordSize} is invalid (at least {minRecord}, a multiple of 4).");
        }

        var pos = 4;
        while (pos < area.Length)
        {
            if (area.Length - pos < 8)
            {
                throw new BtfException($".BTF.ext {what} section block at offset {pos} is truncated.");
            }

            var section = btf.GetString(BinaryPrimitives.ReadUInt32LittleEndian(area[pos..]));
            var count = BinaryPrimitives.ReadUInt32LittleEndian(area[(pos + 4)..]);
            pos += 8;
            if ((ulong)count * recordSize > (ulong)(area.Length - pos))
            {
                throw new BtfException($".BTF.ext {what} block for section '{section}' declares {count} records, more than the area holds.");
            }

            var records = new T[count];
            for (var i = 0; i < records.Length; i++)
            {
                records[i] = read(area.Slice(pos, (int)recordSize), btf);
                pos += (int)recordSize;
            }

            into[section] = into.TryGetValue(section, out var existing) ? [.. existing, .. records] : records;
        }
    }
}
