using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// The llvm/kernel lines that start with a destination register: <c>r0 += 1</c>, <c>w0 = w1</c>,
/// <c>r0 = -r0</c>, <c>r1 = be16 r1</c>, <c>r0 = (s8)r1</c>, <c>r0 = 5 ll</c>,
/// <c>r0 = *(u32 *)(r1 + 4)</c>, <c>r0 = *(u8 *)skb[4]</c>, <c>r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)</c>,
/// <c>r0 = xchg_64(r1 + 0, r0)</c>, <c>r0 = cmpxchg_64(r1 + 0, r0, r2)</c>.
/// </summary>
internal static class LlvmAssignmentParser
{
    /// <summary>Parses the line (the cursor is at the destination register).</summary>
    public static void Parse(LineCursor cursor, AssemblyBuilder builder)
    {
        var dst = cursor.ExpectRegister(out var wide);
        var cls = wide ? Opcode.ClassAlu64 : Opcode.ClassAlu;
        var symbol = cursor.ReadWord();
        if (symbol != "=")
        {
            if (!OperatorNames.LlvmAlu.TryGetValue(symbol, out var alu))
            {
                throw new LineSyntaxException($"Invalid operator '{symbol}'");
            }

            EmitAlu(cursor, builder, (byte)(cls | alu.Op), dst, wide, alu.Offset);
            return;
        }

        if (cursor.TryEat("*"))
        {
            ParseLoad(cursor, builder, dst);
        }
        else if (cursor.Rest.StartsWith("(s", StringComparison.OrdinalIgnoreCase))
        {
            cursor.Expect("(");
            var type = cursor.TryIdentifier();
            cursor.Expect(")");
            short bits = type switch { "s8" => 8, "s16" => 16, "s32" when wide => 32, _ => 0 };
            if (bits == 0)
            {
                throw new LineSyntaxException($"Invalid sign-extension type '{type}' (expected s8, s16 or, for r registers, s32)");
            }

            var src = cursor.ExpectRegister(out var srcWide);
            LlvmSyntaxParser.RequireSameWidth(wide, srcWide);
            builder.Emit(new Instruction((byte)(cls | Opcode.Mov | Opcode.SourceX), dst, src, bits, 0));
        }
        else if (IsNegation(cursor.Rest))
        {
            cursor.Expect("-");
            var src = cursor.ExpectRegister(out var srcWide);
            if (src != dst || srcWide != wide)
            {
                throw new LineSyntaxException("Negation must name the destination register on both sides (r0 = -r0)");
            }

            builder.Emit(new Instruction((byte)(cls | Opcode.Neg), dst, 0, 0, 0));
        }
        else if (cursor.TryRegister(out var src, out var srcWide))
        {
            LlvmSyntaxParser.RequireSameWidth(wide, srcWide);
            builder.Emit(new Instruction((byte)(cls | Opcode.Mov | Opcode.SourceX), dst, src, 0, 0));
        }
        else if (cursor.TryNumber(out var value, out var hex))
        {
            if (!cursor.TryEat("ll"))
            {
                builder.Emit(new Instruction((byte)(cls | Opcode.Mov), dst, 0, 0, ValueRange.Imm32(value, hex)));
            }
            else if (wide)
            {
                builder.EmitLddw(dst, ValueRange.Imm64(value), LddwSource.Imm64);
            }
            else
            {
                throw new LineSyntaxException("Invalid register: a 64-bit constant (ll) needs an r register");
            }
        }
        else if (cursor.TryIdentifier() is { } function)
        {
            LlvmFunctionForms.Parse(cursor, builder, function, dst, wide);
        }
        else
        {
            throw new LineSyntaxException($"Expected a register, a number or an operation but found '{cursor.Rest}'");
        }
    }

    private static bool IsNegation(string rest) =>
        rest.Length >= 3 && rest[0] == '-' && rest[1] is 'r' or 'w' && char.IsAsciiDigit(rest[2]);

    private static void EmitAlu(LineCursor cursor, AssemblyBuilder builder, byte code, byte dst, bool wide, short offset)
    {
        if (cursor.TryRegister(out var src, out var srcWide))
        {
            LlvmSyntaxParser.RequireSameWidth(wide, srcWide);
            builder.Emit(new Instruction((byte)(code | Opcode.SourceX), dst, src, offset, 0));
        }
        else
        {
            builder.Emit(new Instruction(code, dst, 0, offset, cursor.ExpectImm32()));
        }
    }

    private static void ParseLoad(LineCursor cursor, AssemblyBuilder builder, byte dst)
    {
        var (size, signed) = LlvmAddress.ReadCast(cursor);
        if (cursor.TryEat("skb"))
        {
            LegacyPacketLoad(cursor, builder, dst, size);
            return;
        }

        var (src, offset) = LlvmAddress.ReadParenthesised(cursor);
        if (signed && size == Opcode.SizeDW)
        {
            throw new LineSyntaxException("There is no sign-extending 64-bit load; use u64");
        }

        var mode = signed ? Opcode.ModeMemSx : Opcode.ModeMem;
        builder.Emit(new Instruction((byte)(Opcode.ClassLdx | mode | size), dst, src, offset, 0));
    }

    private static void LegacyPacketLoad(LineCursor cursor, AssemblyBuilder builder, byte dst, byte size)
    {
        if (dst != 0 || size == Opcode.SizeDW)
        {
            throw new LineSyntaxException("Legacy packet loads write r0 and read u8, u16 or u32");
        }

        cursor.Expect("[");
        if (cursor.TryRegister(out var src, out _))
        {
            Int128 imm = 0;
            if (cursor.Peek() is '+' or '-')
            {
                imm = cursor.ExpectNumber();
            }

            cursor.Expect("]");
            builder.Emit(new Instruction((byte)(Opcode.ClassLd | Opcode.ModeInd | size), 0, src, 0, ValueRange.Int32(imm)));
        }
        else
        {
            var imm = cursor.ExpectImm32();
            cursor.Expect("]");
            builder.Emit(new Instruction((byte)(Opcode.ClassLd | Opcode.ModeAbs | size), 0, 0, 0, imm));
        }
    }
}
