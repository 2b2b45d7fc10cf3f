using System.Buffers.Binary;
using System.Text;

namespace LoadBalancer.Ebpf.Btf;

/// <summary>
/// Parsed contents of a <c>.BTF</c> section: the type table and the string table. Parsing checks
/// every bound (header, type records, string offsets, referenced type ids), so a malformed section
/// gives a <see cref="BtfException"/> instead of garbage.
/// </summary>
public sealed class BtfSpec
{
    /// <summary>BTF magic number (little-endian files start with 9F EB).</summary>
    public const ushort Magic = 0xeB9F;

    /// <summary>How many modifier/typedef/array hops a type may take before it is called a loop (libbpf: 32).</summary>
    public const int MaxResolveDepth = 32;

    private const int TypeHeaderSize = 12;
    private readonly byte[] _strings;
    private readonly BtfType[] _types;

    private BtfSpec(BtfType[] types, byte[] strings)
    {
        _types = types;
        _strings = strings;
    }

    /// <summary>The section bytes this was parsed from, as the compiler wrote them (what <c>BPF_BTF_LOAD</c> takes, after sanitising).</summary>
    public ReadOnlyMemory<byte> RawBytes { get; private init; }

    /// <summary>All types, indexed by type id; index 0 is the implicit void.</summary>
    public IReadOnlyList<BtfType> Types => _types;

    /// <summary>Parses a <c>.BTF</c> section.</summary>
    /// <exception cref="BtfException">The data is malformed; the message names the offset or type id.</exception>
    public static BtfSpec Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 24)
        {
            throw new BtfException($"BTF header is truncated: {data.Length} bytes, need at least 24.");
        }

        var magic = BinaryPrimitives.ReadUInt16LittleEndian(data);
        if (magic != Magic)
        {
            throw new BtfException($"BTF magic is 0x{magic:x4}, expected 0x{Magic:x4} (big-endian BTF is not supported).");
        }

        if (data[2] != 1)
        {
            throw new BtfException($"BTF version {data[2]} is not supported (expected 1).");
        }

        var hdrLen = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        var typeOff = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        var typeLen = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
        var strOff = BinaryPrimitives.ReadUInt32LittleEndian(data[16..]);
        var strLen = BinaryPrimitives.ReadUInt32LittleEndian(data[20..]);
        if (hdrLen < 24 || hdrLen > data.Length)
        {
            throw new BtfException($"BTF header length {hdrLen} is outside the section ({data.Length} bytes).");
        }

        var body = data[(int)hdrLen..];
        if ((ulong)typeOff + typeLen > (ulong)body.Length || (ulong)strOff + strLen > (ulong)body.Length)
        {
            throw new BtfException(
                $"BTF type area [{typeOff}, +{typeLen}) or string area [{strOff}, +{strLen}) is outside the section body ({body.Length} bytes).");
        }

        var strings = body.Slice((int)strOff, (int)strLen).ToArray();
        if (strings.Length > 0 && (strings[0] != 0 || strings[^1] != 0))
        {
            throw new BtfException("BTF string table must start and end with a NUL byte.");
        }

        var types = ParseTypes(body.Slice((int)typeOff, (int)typeLen), strings);
        var spec = new BtfSpec(types, strings) { RawBytes = data.ToArray() };
        spec.CheckReferences();
        return spec;
    }

    /// <summary>The string at <paramref name="offset"/> in the BTF string table.</summary>
    /// <exception cref="BtfException">The offset is outside the table.</exception>
    public string GetString(uint offset) => ReadString(_strings, offset);

    /// <summary>The type with id <paramref name="id"/>.</summary>
    /// <exception cref="BtfException">No such type.</exception>
    public BtfType this[uint id] => id < (uint)_types.Length
        ? _types[id]
        : throw new BtfException($"BTF type id {id} does not exist (the table has {_types.Length - 1} types).");

    /// <summary>Follows typedefs and modifiers (const, volatile, restrict, type tags) to the underlying type.</summary>
    /// <exception cref="BtfException">The chain is longer than <see cref="MaxResolveDepth"/> (a loop).</exception>
    public BtfType Skip(uint id)
    {
        var type = this[id];
        for (var depth = 0; depth <= MaxResolveDepth; depth++)
        {
            if (type.Kind is not (BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag))
            {
                return type;
            }

            type = this[type.TypeId];
        }

        throw new BtfException($"BTF type {id} ('{this[id].Name}') does not resolve within {MaxResolveDepth} steps (a reference loop?).");
    }

    /// <summary>Size in bytes of a value of type <paramref name="id"/> (pointers are 8 bytes).</summary>
    /// <exception cref="BtfException">The type has no size (void, function, forward declaration) or loops.</exception>
    public ulong SizeOf(uint id) => SizeOf(id, 0);

    /// <summary>The first type of the given kind and name, or null.</summary>
    public BtfType? Find(BtfKind kind, string name)
    {
        foreach (var type in _types)
        {
            if (type.Kind == kind && type.Name == name)
            {
                return type;
            }
        }

        return null;
    }

    private ulong SizeOf(uint id, int depth)
    {
        if (depth > MaxResolveDepth)
        {
            throw new BtfException($"BTF type {id} does not resolve to a size within {MaxResolveDepth} steps (a reference loop?).");
        }

        var type = Skip(id);
        return type.Kind switch
        {
            BtfKind.Int or BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64 or BtfKind.Float or BtfKind.Datasec => type.Size,
            BtfKind.Ptr => 8,
            BtfKind.Var => SizeOf(type.TypeId, depth + 1),
            BtfKind.Array => ArraySize(type, SizeOf(type.TypeId, depth + 1)),
            _ => throw new BtfException($"BTF type {type.Id} ({type.Kind} '{type.Name}') has no size."),
        };
    }

    private static ulong ArraySize(BtfType array, ulong elementSize)
    {
        var total = (UInt128)array.ElementCount * elementSize;
        return total <= uint.MaxValue
            ? (ulong)total
            : throw new BtfException($"BTF array type {array.Id} is {total} bytes, larger than 4 GiB.");
    }

    private void CheckReferences()
    {
        foreach (var type in _types)
        {
            CheckId(type, type.TypeId);
            CheckId(type, type.IndexTypeId);
            if (type.Kind is BtfKind.Struct or BtfKind.Union or BtfKind.FuncProto or BtfKind.Datasec)
            {
                foreach (var member in type.Members)
                {
                    CheckId(type, member.TypeId);
                }
            }
        }
    }

    private void CheckId(BtfType owner, uint id)
    {
        if (id >= (uint)_types.Length)
        {
            throw new BtfException($"BTF type {owner.Id} ({owner.Kind} '{owner.Name}') refers to type id {id}, but the table has {_types.Length - 1} types.");
        }
    }

    private static BtfType[] ParseTypes(ReadOnlySpan<byte> area, byte[] strings)
    {
        var types = new List<BtfType> { new() { Id = 0, Kind = BtfKind.Void, Name = "void" } };
        var pos = 0;
        while (pos < area.Length)
        {
            var id = (uint)types.Count;
            if (area.Length - pos < TypeHeaderSize)
            {
                throw new BtfException($"BTF type {id} at offset {pos} is truncated.");
            }

            var nameOff = BinaryPrimitives.ReadUInt32LittleEndian(area[pos..]);
            var info = BinaryPrimitives.ReadUInt32LittleEndian(area[(pos + 4)..]);
            var sizeOrType = BinaryPrimitives.ReadUInt32LittleEndian(area[(pos + 8)..]);
            pos += TypeHeaderSize;
            var vlen = (int)(info & 0xffff);
            var kind = (BtfKind)((info >> 24) & 0x1f);
            var kindFlag = (info >> 31) != 0;
            var name = ReadString(strings, nameOff);
            var trailer = TrailerSize(kind, vlen, id);
            if (area.Length - pos < trailer)
            {
                throw new BtfException($"BTF type {id} ({kind} '{name}') at offset {pos - TypeHeaderSize} is truncated: needs {trailer} more bytes.");
            }

            var extra = area.Slice(pos, trailer);
            pos += trailer;
            types.Add(Build(id, kind, name, kindFlag, vlen, sizeOrType, extra, strings));
        }

        return [.. types];
    }

    private static int TrailerSize(BtfKind kind, int vlen, uint id) => kind switch
    {
        BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 4,
        BtfKind.Array => 12,
        BtfKind.Struct or BtfKind.Union or BtfKind.Datasec or BtfKind.Enum64 => 12 * vlen,
        BtfKind.Enum or BtfKind.FuncProto => 8 * vlen,
        BtfKind.Ptr or BtfKind.Fwd or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
            or BtfKind.Func or BtfKind.Float or BtfKind.TypeTag => 0,
        _ => throw new BtfException($"BTF type {id} has unknown kind {(int)kind}."),
    };

    private static BtfType Build(uint id, BtfKind kind, string name, bool kindFlag, int vlen, uint sizeOrType, ReadOnlySpan<byte> extra, byte[] strings)
    {
        var hasSize = kind is BtfKind.Int or BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64 or BtfKind.Float or BtfKind.Datasec;
        var hasType = kind is BtfKind.Ptr or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
            or BtfKind.TypeTag or BtfKind.Func or BtfKind.FuncProto or BtfKind.Var or BtfKind.DeclTag;
        uint typeId = hasType ? sizeOrType : 0, elements = 0, index = 0, bits = 0;
        var extraValue = kind == BtfKind.Func ? vlen : 0;
        var members = Array.Empty<BtfMember>();
        switch (kind)
        {
            case BtfKind.Int:
                var intInfo = BinaryPrimitives.ReadUInt32LittleEndian(extra);
                extraValue = (int)((intInfo >> 24) & 0x0f);
                bits = intInfo & 0xff;
                break;
            case BtfKind.Var:
            case BtfKind.DeclTag:
                extraValue = BinaryPrimitives.ReadInt32LittleEndian(extra);
                break;
            case BtfKind.Array:
                typeId = BinaryPrimitives.ReadUInt32LittleEndian(extra);
                index = BinaryPrimitives.ReadUInt32LittleEndian(extra[4..]);
                elements = BinaryPrimitives.ReadUInt32LittleEndian(extra[8..]);
                break;
            case BtfKind.Struct:
            case BtfKind.Union:
                members = new BtfMember[vlen];
                for (var i = 0; i < vlen; i++)
                {
                    var m = extra[(i * 12)..];
                    var offset = BinaryPrimitives.ReadUInt32LittleEndian(m[8..]);
                    members[i] = kindFlag
                        ? new BtfMember(ReadString(strings, BinaryPrimitives.ReadUInt32LittleEndian(m)), BinaryPrimitives.ReadUInt32LittleEndian(m[4..]), offset & 0xffffff, offset >> 24, 0)
                        : new BtfMember(ReadString(strings, BinaryPrimitives.ReadUInt32LittleEndian(m)), BinaryPrimitives.ReadUInt32LittleEndian(m[4..]), offset, 0, 0);
                }

                break;
            case BtfKind.Datasec:
                members = new BtfMember[vlen];
                for (var i = 0; i < vlen; i++)
                {
                    var m = extra[(i * 12)..];
                    members[i] = new BtfMember("", BinaryPrimitives.ReadUInt32LittleEndian(m), BinaryPrimitives.ReadUInt32LittleEndian(m[4..]), BinaryPrimitives.ReadUInt32LittleEndian(m[8..]), 0);
                }

                break;
            case BtfKind.Enum:
                members = new BtfMember[vlen];
                for (var i = 0; i < vlen; i++)
                {
                    var m = extra[(i * 8)..];
                    members[i] = new BtfMember(ReadString(strings, BinaryPrimitives.ReadUInt32LittleEndian(m)), 0, 0, 0, BinaryPrimitives.ReadInt32LittleEndian(m[4..]));
                }

                break;
            case BtfKind.Enum64:
                members = new BtfMember[vlen];
                for (var i = 0; i < vlen; i++)
                {
                    var m = extra[(i * 12)..];
                    var value = (long)((ulong)BinaryPrimitives.ReadUInt32LittleEndian(m[4..]) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(m[8..]) << 32));
                    members[i] = new BtfMember(ReadString(strings, BinaryPrimitives.ReadUInt32LittleEndian(m)), 0, 0, 0, value);
                }

                break;
            case BtfKind.FuncProto:
                members = new BtfMember[vlen];
                for (var i = 0; i < vlen; i++)
                {
                    var m = extra[(i * 8)..];
                    members[i] = new BtfMember(ReadString(strings, BinaryPrimitives.ReadUInt32LittleEndian(m)), BinaryPrimitives.ReadUInt32LittleEndian(m[4..]), 0, 0, 0);
                }

                break;
        }

        return new BtfType
        {
            Id = id,
            Kind = kind,
            Name = name,
            Size = hasSize ? sizeOrType : 0,
            TypeId = typeId,
            KindFlag = kindFlag,
            ElementCount = elements,
            IndexTypeId = index,
            Extra = extraValue,
            Bits = bits,
            Members = members,
        };
    }

    internal static string ReadString(byte[] table, uint offset)
    {
        if (offset >= (uint)table.Length)
        {
            if (offset == 0)
            {
                return "";
            }

            throw new BtfException($"BTF string offset {offset} is outside the string table ({table.Length} bytes).");
        }

        var rest = table.AsSpan((int)offset);
        var end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            throw new BtfException($"BTF string at offset {offset} is not NUL-terminated.");
        }

        return Encoding.UTF8.GetString(rest[..end]);
    }
}
