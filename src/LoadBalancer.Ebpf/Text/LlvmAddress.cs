using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// The address parts of the llvm syntax: the cast <c>(u32 *)</c> (or <c>(s16 *)</c>) and the
/// base-plus-offset <c>(r1 + 4)</c> / <c>r1 - 8</c>.
/// </summary>
internal static class LlvmAddress
{
    /// <summary>Reads <c>(u32 *)</c> or <c>(s32 *)</c>: the size code and whether it is signed.</summary>
    public static (byte Size, bool Signed) ReadCast(LineCursor cursor)
    {
        cursor.Expect("(");
        var type = cursor.TryIdentifier() ?? throw new LineSyntaxException($"Expected a type such as u32 but found '{cursor.Rest}'");
        cursor.Expect("*");
        cursor.Expect(")");
        var signed = type[0] is 's' or 'S';
        if (type.Length < 2 || type[0] is not ('u' or 'U' or 's' or 'S')
            || !int.TryParse(type.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture, out var bits))
        {
            throw new LineSyntaxException($"Invalid type '{type}' (expected u8, u16, u32, u64, s8, s16 or s32)");
        }

        return (OperatorNames.SizeCode(bits), signed);
    }

    /// <summary>Reads <c>r1 + 4</c>, <c>r1 - 8</c> or <c>r1</c> (no parentheses).</summary>
    public static (byte Base, short Offset) ReadBaseOffset(LineCursor cursor)
    {
        var register = cursor.ExpectWideRegister();
        Int128 offset = 0;
        if (cursor.Peek() is '+' or '-')
        {
            offset = cursor.ExpectNumber();
        }

        return (register, ValueRange.Offset16(offset));
    }

    /// <summary>Reads <c>(r1 + 4)</c> with its parentheses.</summary>
    public static (byte Base, short Offset) ReadParenthesised(LineCursor cursor)
    {
        cursor.Expect("(");
        var address = ReadBaseOffset(cursor);
        cursor.Expect(")");
        return address;
    }

    /// <summary>Reads a whole memory operand <c>*(u32 *)(r1 + 4)</c> after the leading '*'.</summary>
    public static (byte Size, bool Signed, byte Base, short Offset) ReadDereference(LineCursor cursor)
    {
        var (size, signed) = ReadCast(cursor);
        var (register, offset) = ReadParenthesised(cursor);
        return (size, signed, register, offset);
    }

    /// <summary>The STX | ATOMIC opcode for a size, refusing sizes atomics do not have.</summary>
    public static byte AtomicCode(byte size) => size is Opcode.SizeW or Opcode.SizeDW
        ? (byte)(Opcode.ClassStx | Opcode.ModeAtomic | size)
        : throw new LineSyntaxException("Atomic operations work on u32 or u64 only");
}
