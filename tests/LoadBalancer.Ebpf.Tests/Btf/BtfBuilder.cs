using System.Buffers.Binary;
using System.Text;
using LoadBalancer.Ebpf.Btf;

namespace LoadBalancer.Ebpf.Tests.Btf;

/// <summary>Writes small .BTF sections by hand, following Documentation/bpf/btf.rst, to test the parser's checks.</summary>
internal sealed class BtfBuilder
{
    private readonly List<byte> _types = [];
    private readonly List<byte> _strings = [0];
    private uint _count;

    public uint Name(string name)
    {
        var offset = (uint)_strings.Count;
        _strings.AddRange(Encoding.UTF8.GetBytes(name));
        _strings.Add(0);
        return offset;
    }

    public uint Type(uint nameOff, BtfKind kind, int vlen, uint sizeOrType, params uint[] trailer)
    {
        Word(nameOff);
        Word(((uint)kind << 24) | (uint)vlen);
        Word(sizeOrType);
        foreach (var word in trailer)
        {
            Word(word);
        }

        return ++_count;
    }

    public uint Int(string name, uint size) => Type(Name(name), BtfKind.Int, 0, size, size * 8);

    public byte[] Build(int? typeLenOverride = null)
    {
        var bytes = new byte[24 + _types.Count + _strings.Count];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, BtfSpec.Magic);
        bytes[2] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)(typeLenOverride ?? _types.Count));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), (uint)_types.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), (uint)_strings.Count);
        _types.CopyTo(bytes, 24);
        _strings.CopyTo(bytes, 24 + _types.Count);
        return bytes;
    }

    private void Word(uint value)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, value);
        _types.AddRange(word.ToArray());
    }
}
