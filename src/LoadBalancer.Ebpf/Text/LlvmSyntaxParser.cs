using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// Parses the llvm-objdump / kernel syntax: <c>if r1 &gt; r2 goto +1</c>, <c>goto +2</c>,
/// <c>gotol +70000</c>, <c>*(u64 *)(r10 - 8) = r1</c>, <c>lock *(u64 *)(r1 + 0) += r2</c>,
/// <c>ld_pseudo r1, 2, 7</c> and every <c>rN = ...</c> / <c>rN op= ...</c> form (see
/// <see cref="LlvmAssignmentParser"/>).
/// </summary>
internal static class LlvmSyntaxParser
{
    /// <summary>True if the line is in llvm syntax (decided from its first token).</summary>
    public static bool Recognises(LineCursor cursor)
    {
        var rest = cursor.Rest;
        if (rest.Length >= 2 && rest[0] is 'r' or 'w' && char.IsAsciiDigit(rest[1]))
        {
            return true;
        }

        return rest.StartsWith('*') || rest.StartsWith("if ", StringComparison.OrdinalIgnoreCase)
            || StartsWithWord(rest, "goto") || StartsWithWord(rest, "gotol") || StartsWithWord(rest, "ld_pseudo")
            || (StartsWithWord(rest, "lock") && rest[4..].TrimStart().StartsWith('*'));
    }

    /// <summary>Parses one line and emits its slots.</summary>
    public static void Parse(LineCursor cursor, AssemblyBuilder builder)
    {
        if (cursor.TryEat("if"))
        {
            ParseConditional(cursor, builder);
        }
        else if (cursor.TryEat("gotol"))
        {
            CommonSyntax.EmitTarget(cursor, builder, new Instruction(Opcode.ClassJmp32 | Opcode.Ja, 0, 0, 0, 0), TargetField.Imm);
        }
        else if (cursor.TryEat("goto"))
        {
            CommonSyntax.EmitTarget(cursor, builder, new Instruction(Opcode.ClassJmp | Opcode.Ja, 0, 0, 0, 0), TargetField.Offset);
        }
        else if (cursor.TryEat("ld_pseudo"))
        {
            ParseLdPseudo(cursor, builder);
        }
        else if (cursor.TryEat("lock"))
        {
            ParseLock(cursor, builder);
        }
        else if (cursor.TryEat("*"))
        {
            ParseStore(cursor, builder);
        }
        else
        {
            LlvmAssignmentParser.Parse(cursor, builder);
        }

        cursor.ExpectEnd();
    }

    private static void ParseConditional(LineCursor cursor, AssemblyBuilder builder)
    {
        var dst = cursor.ExpectRegister(out var wide);
        var symbol = cursor.ReadWord();
        if (!OperatorNames.LlvmJump.TryGetValue(symbol, out var op))
        {
            throw new LineSyntaxException($"Invalid comparison '{symbol}' (expected ==, !=, >, >=, <, <=, s>, s>=, s<, s<= or &)");
        }

        var cls = wide ? Opcode.ClassJmp : Opcode.ClassJmp32;
        Instruction jump;
        if (cursor.TryRegister(out var src, out var srcWide))
        {
            RequireSameWidth(wide, srcWide);
            jump = new Instruction((byte)(cls | op | Opcode.SourceX), dst, src, 0, 0);
        }
        else
        {
            jump = new Instruction((byte)(cls | op), dst, 0, 0, cursor.ExpectImm32());
        }

        cursor.Expect("goto");
        CommonSyntax.EmitTarget(cursor, builder, jump, TargetField.Offset);
    }

    private static void ParseStore(LineCursor cursor, AssemblyBuilder builder)
    {
        var (size, signed, dst, offset) = LlvmAddress.ReadDereference(cursor);
        if (signed)
        {
            throw new LineSyntaxException("Stores take an unsigned type (u8, u16, u32, u64)");
        }

        cursor.Expect("=");
        if (cursor.TryRegister(out var src, out _))
        {
            builder.Emit(new Instruction((byte)(Opcode.ClassStx | Opcode.ModeMem | size), dst, src, offset, 0));
        }
        else
        {
            var imm = cursor.ExpectImm32();
            builder.Emit(new Instruction((byte)(Opcode.ClassSt | Opcode.ModeMem | size), dst, 0, offset, imm));
        }
    }

    private static void ParseLock(LineCursor cursor, AssemblyBuilder builder)
    {
        cursor.Expect("*");
        var (size, _, dst, offset) = LlvmAddress.ReadDereference(cursor);
        var symbol = cursor.ReadWord();
        if (!OperatorNames.LlvmAtomic.TryGetValue(symbol, out var op))
        {
            throw new LineSyntaxException($"Invalid atomic operator '{symbol}' (expected +=, |=, &= or ^=)");
        }

        var src = cursor.ExpectRegister(out _);
        builder.Emit(new Instruction(LlvmAddress.AtomicCode(size), dst, src, offset, op));
    }

    private static void ParseLdPseudo(LineCursor cursor, AssemblyBuilder builder)
    {
        var dst = cursor.ExpectWideRegister();
        cursor.Expect(",");
        var source = ValueRange.Within(cursor.ExpectNumber(), 0, 15, "lddw source");
        cursor.Expect(",");
        var low = (uint)ValueRange.UInt32(cursor.ExpectNumber());
        int? high = cursor.TryEat(",") ? cursor.ExpectImm32() : null;
        builder.EmitLddw(dst, low, (LddwSource)source, high);
    }

    /// <summary>Refuses mixing <c>rN</c> and <c>wN</c> in one operation.</summary>
    public static void RequireSameWidth(bool dstWide, bool srcWide)
    {
        if (dstWide != srcWide)
        {
            throw new LineSyntaxException("Invalid register: r and w registers cannot be mixed in one operation");
        }
    }

    private static bool StartsWithWord(string text, string word) =>
        text.StartsWith(word, StringComparison.OrdinalIgnoreCase)
        && (text.Length == word.Length || !char.IsLetterOrDigit(text[word.Length]) && text[word.Length] != '_');
}
