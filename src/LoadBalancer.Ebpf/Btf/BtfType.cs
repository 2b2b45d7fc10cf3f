namespace LoadBalancer.Ebpf.Btf;

/// <summary>
/// One BTF type record. Fields not meaningful for the <see cref="Kind"/> are zero; see the kernel's
/// Documentation/bpf/btf.rst for the meaning per kind.
/// </summary>
public sealed class BtfType
{
    /// <summary>Type id (1-based; 0 is void).</summary>
    public required uint Id { get; init; }

    /// <summary>What the type is.</summary>
    public required BtfKind Kind { get; init; }

    /// <summary>Type name ("" when anonymous).</summary>
    public required string Name { get; init; }

    /// <summary>
    /// Size in bytes for INT, STRUCT, UNION, ENUM, ENUM64, FLOAT, DATASEC; 0 for the others.
    /// </summary>
    public uint Size { get; init; }

    /// <summary>
    /// Referenced type for PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG, FUNC (its FUNC_PROTO),
    /// FUNC_PROTO (return type), VAR, DECL_TAG; the element type for ARRAY; 0 otherwise.
    /// </summary>
    public uint TypeId { get; init; }

    /// <summary>The kind_flag bit (bitfield offsets in structs, FWD of a union, signed enum).</summary>
    public bool KindFlag { get; init; }

    /// <summary>ARRAY: number of elements.</summary>
    public uint ElementCount { get; init; }

    /// <summary>ARRAY: index type id.</summary>
    public uint IndexTypeId { get; init; }

    /// <summary>INT: encoding bits (1 signed, 2 char, 4 bool). VAR: linkage. FUNC: linkage. DECL_TAG: component index.</summary>
    public int Extra { get; init; }

    /// <summary>INT: number of value bits.</summary>
    public uint Bits { get; init; }

    /// <summary>Members (STRUCT/UNION), parameters (FUNC_PROTO), enumerators (ENUM/ENUM64), variables (DATASEC).</summary>
    public IReadOnlyList<BtfMember> Members { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => $"[{Id}] {Kind} '{Name}'";
}
