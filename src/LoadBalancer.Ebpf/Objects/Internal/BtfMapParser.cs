using LoadBalancer.Ebpf.Btf;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Objects.Internal;

/// <summary>
/// Reads a BTF-defined map (<c>SEC(".maps")</c> variable) the way libbpf does: the members of the
/// anonymous struct encode the attributes: <c>__uint(name, N)</c> is a pointer to an array of N
/// elements, <c>__type(name, T)</c> a pointer to T, <c>__array(values, X)</c> a zero-length array of
/// pointers to an inner map definition (map-in-map) or a function prototype (PROG_ARRAY).
/// </summary>
internal static class BtfMapParser
{
    /// <summary>A parsed definition plus the bit offset of its <c>values</c> member (-1 if none).</summary>
    public readonly record struct Result(MapDefinition Definition, long ValuesBitOffset);

    public static Result Parse(BtfSpec btf, string name, uint typeId, string where, bool isInner)
    {
        var def = btf.Skip(typeId);
        if (def.Kind != BtfKind.Struct)
        {
            throw new ObjectLoadException($"{where}: map '{name}' is a {def.Kind}, expected a struct of __uint/__type fields.");
        }

        uint type = 0, keySize = 0, valueSize = 0, maxEntries = 0, flags = 0, pinning = 0;
        bool hasKey = false, hasValue = false;
        MapDefinition? inner = null;
        long valuesOffset = -1;
        foreach (var member in def.Members)
        {
            switch (member.Name)
            {
                case "type": type = IntField(btf, member, name, where); break;
                case "max_entries": maxEntries = IntField(btf, member, name, where); break;
                case "map_flags": flags = IntField(btf, member, name, where); break;
                case "pinning": pinning = IntField(btf, member, name, where); break;
                case "numa_node":
                case "map_extra":
                    IntField(btf, member, name, where);
                    break;
                case "key_size": SetSize(ref keySize, ref hasKey, IntField(btf, member, name, where), "key", name, where); break;
                case "value_size": SetSize(ref valueSize, ref hasValue, IntField(btf, member, name, where), "value", name, where); break;
                case "key": SetSize(ref keySize, ref hasKey, PointeeSize(btf, member, name, where), "key", name, where); break;
                case "value": SetSize(ref valueSize, ref hasValue, PointeeSize(btf, member, name, where), "value", name, where); break;
                case "values":
                    if (isInner)
                    {
                        throw new ObjectLoadException($"{where}: inner map '{name}' cannot itself declare 'values'.");
                    }

                    valuesOffset = member.Offset;
                    inner = ValuesTemplate(btf, member, name, (MapType)type, where);
                    break;
                default:
                    throw new ObjectLoadException($"{where}: map '{name}' has unknown field '{member.Name}' (libbpf rejects it too).");
            }
        }

        var mapType = (MapType)type;
        if (valuesOffset >= 0 && mapType is not (MapType.ArrayOfMaps or MapType.HashOfMaps or MapType.ProgArray))
        {
            throw new ObjectLoadException($"{where}: map '{name}' declares 'values' but is a {mapType}, not a map-in-map or PROG_ARRAY.");
        }

        if (mapType is MapType.ArrayOfMaps or MapType.HashOfMaps or MapType.ProgArray && !hasValue)
        {
            valueSize = 4;
        }

        var definition = new MapDefinition(name, mapType, keySize, valueSize, maxEntries, flags)
        {
            InnerMap = inner,
            Pinning = pinning,
        };
        return new Result(definition, valuesOffset);
    }

    private static MapDefinition? ValuesTemplate(BtfSpec btf, BtfMember member, string name, MapType outerType, string where)
    {
        var array = btf.Skip(member.TypeId);
        if (array.Kind != BtfKind.Array)
        {
            throw new ObjectLoadException($"{where}: map '{name}' field 'values' must be an array (use __array(values, ...)).");
        }

        var pointer = btf.Skip(array.TypeId);
        if (pointer.Kind != BtfKind.Ptr)
        {
            throw new ObjectLoadException($"{where}: map '{name}' field 'values' must be an array of pointers.");
        }

        var target = btf.Skip(pointer.TypeId);
        if (target.Kind == BtfKind.FuncProto)
        {
            return outerType == MapType.ProgArray
                ? null
                : throw new ObjectLoadException($"{where}: map '{name}' holds programs in 'values' but is a {outerType}, not a PROG_ARRAY.");
        }

        if (outerType == MapType.ProgArray)
        {
            throw new ObjectLoadException($"{where}: PROG_ARRAY '{name}' field 'values' must point to function prototypes.");
        }

        return Parse(btf, name + ".inner", target.Id, where, isInner: true).Definition;
    }

    private static void SetSize(ref uint size, ref bool isSet, ulong value, string what, string name, string where)
    {
        if (value > uint.MaxValue)
        {
            throw new ObjectLoadException($"{where}: map '{name}' {what} size {value} is larger than 4 GiB.");
        }

        if (isSet && size != value)
        {
            throw new ObjectLoadException($"{where}: map '{name}' gives two different {what} sizes ({size} and {value}).");
        }

        size = (uint)value;
        isSet = true;
    }

    private static uint IntField(BtfSpec btf, BtfMember member, string name, string where)
    {
        var pointer = btf.Skip(member.TypeId);
        var array = pointer.Kind == BtfKind.Ptr ? btf.Skip(pointer.TypeId) : null;
        return array is { Kind: BtfKind.Array }
            ? array.ElementCount
            : throw new ObjectLoadException($"{where}: map '{name}' field '{member.Name}' is not an __uint() (pointer to array).");
    }

    private static ulong PointeeSize(BtfSpec btf, BtfMember member, string name, string where)
    {
        var pointer = btf.Skip(member.TypeId);
        return pointer.Kind == BtfKind.Ptr
            ? btf.SizeOf(pointer.TypeId)
            : throw new ObjectLoadException($"{where}: map '{name}' field '{member.Name}' is not a __type() (pointer to the type).");
    }
}
