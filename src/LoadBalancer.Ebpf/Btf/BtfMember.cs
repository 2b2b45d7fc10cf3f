namespace LoadBalancer.Ebpf.Btf;

/// <summary>
/// A member of a struct/union, a function parameter, an enum value or a DATASEC variable entry,
/// depending on the owning type's kind (see <see cref="BtfType.Members"/>).
/// </summary>
/// <param name="Name">Member, parameter or enumerator name ("" when anonymous).</param>
/// <param name="TypeId">Member/parameter/variable type id (0 for enumerators).</param>
/// <param name="Offset">Struct: bit offset. DATASEC: byte offset of the variable. Enum: 0.</param>
/// <param name="Size">Struct: bitfield size in bits (0 if not a bitfield). DATASEC: variable size in bytes.</param>
/// <param name="Value">Enumerator value (ENUM, ENUM64); 0 otherwise.</param>
public readonly record struct BtfMember(string Name, uint TypeId, uint Offset, uint Size, long Value);
