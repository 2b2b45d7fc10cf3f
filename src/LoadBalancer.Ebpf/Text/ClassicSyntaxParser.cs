using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// Parses the classic uBPF / bpf_conformance syntax: <c>mnemonic operand, operand, ...</c> with
/// <c>%rN</c> registers and <c>[%rN+off]</c> memory operands (<c>add32 %r0, 1</c>,
/// <c>ldxh %r0, [%r1+2]</c>, <c>jne %r0, %r1, label</c>, <c>lock fetch add [%r10-8], %r1</c>).
/// </summary>
internal static class ClassicSyntaxParser
{
    /// <summary>Parses one line (label and comment removed) and emits its slots.</summary>
    public static void Parse(LineCursor cursor, AssemblyBuilder builder)
    {
        var mnemonic = cursor.TryIdentifier() ?? throw new LineSyntaxException($"Expected a mnemonic but found '{cursor.Rest}'");
        if (mnemonic.Equals("lock", StringComparison.OrdinalIgnoreCase))
        {
            ParseLock(cursor, builder);
            return;
        }

        var operands = ReadOperands(cursor);
        var name = mnemonic.ToLowerInvariant();
        if (name is "ja" or "ja32")
        {
            Require(name, operands, 1);
            var ja = name == "ja"
                ? new Instruction(Opcode.ClassJmp | Opcode.Ja, 0, 0, 0, 0)
                : new Instruction(Opcode.ClassJmp32 | Opcode.Ja, 0, 0, 0, 0);
            EmitTarget(builder, ja, operands[0], name == "ja" ? TargetField.Offset : TargetField.Imm);
        }
        else if (name == "lddw")
        {
            Require(name, operands, 2);
            builder.EmitLddw(operands[0].ExpectRegister(), ValueRange.Imm64(operands[1].ExpectNumber()), LddwSource.Imm64);
        }
        else if (!ClassicMemoryMnemonics.TryEmit(name, operands, builder)
            && !TryEmitAlu(name, operands, builder)
            && !TryEmitJump(name, operands, builder))
        {
            throw new LineSyntaxException($"Invalid mnemonic '{mnemonic}'");
        }
    }

    /// <summary>Fails with "Invalid number of operands for X" unless there are exactly <paramref name="count"/>.</summary>
    public static void Require(string mnemonic, List<ClassicOperand> operands, int count)
    {
        if (operands.Count != count)
        {
            throw new LineSyntaxException($"Invalid number of operands for {mnemonic}: expected {count}, found {operands.Count}");
        }
    }

    private static bool TryEmitAlu(string name, List<ClassicOperand> operands, AssemblyBuilder builder)
    {
        var mnemonic = name;
        if (TryEndianness(name, out var endCode, out var width))
        {
            Require(mnemonic, operands, 1);
            builder.Emit(new Instruction(endCode, operands[0].ExpectRegister(), 0, 0, width));
            return true;
        }

        if (TryMovsx(name, out var movsxClass, out var fromBits))
        {
            Require(mnemonic, operands, 2);
            var code = (byte)(movsxClass | Opcode.Mov | Opcode.SourceX);
            builder.Emit(new Instruction(code, operands[0].ExpectRegister(), operands[1].ExpectRegister(), fromBits, 0));
            return true;
        }

        var cls = StripWidth(ref name, allow64: true) ? Opcode.ClassAlu : Opcode.ClassAlu64;
        if (!OperatorNames.ClassicAlu.TryGetValue(name, out var alu))
        {
            return false;
        }

        if (alu.Op == Opcode.Neg)
        {
            Require(mnemonic, operands, 1);
            builder.Emit(new Instruction((byte)(cls | Opcode.Neg), operands[0].ExpectRegister(), 0, 0, 0));
            return true;
        }

        Require(mnemonic, operands, 2);
        var dst = operands[0].ExpectRegister();
        builder.Emit(operands[1].Kind == ClassicOperandKind.Register
            ? new Instruction((byte)(cls | alu.Op | Opcode.SourceX), dst, operands[1].Register, alu.Offset, 0)
            : new Instruction((byte)(cls | alu.Op), dst, 0, alu.Offset, operands[1].ExpectImm32()));
        return true;
    }

    private static bool TryEmitJump(string name, List<ClassicOperand> operands, AssemblyBuilder builder)
    {
        var mnemonic = name;
        var cls = StripWidth(ref name, allow64: false) ? Opcode.ClassJmp32 : Opcode.ClassJmp;
        if (!OperatorNames.ClassicJump.TryGetValue(name, out var op))
        {
            return false;
        }

        Require(mnemonic, operands, 3);
        var dst = operands[0].ExpectRegister();
        var jump = operands[1].Kind == ClassicOperandKind.Register
            ? new Instruction((byte)(cls | op | Opcode.SourceX), dst, operands[1].Register, 0, 0)
            : new Instruction((byte)(cls | op), dst, 0, 0, operands[1].ExpectImm32());
        EmitTarget(builder, jump, operands[2], TargetField.Offset);
        return true;
    }

    private static void EmitTarget(AssemblyBuilder builder, Instruction instruction, ClassicOperand target, TargetField field)
    {
        switch (target.Kind)
        {
            case ClassicOperandKind.Label:
                builder.EmitWithLabel(instruction, target.Label!, field);
                break;
            case ClassicOperandKind.Number when field == TargetField.Offset:
                builder.Emit(instruction with { Offset = ValueRange.Offset16(target.Value) });
                break;
            case ClassicOperandKind.Number:
                builder.Emit(instruction with { Imm = ValueRange.Int32(target.Value) });
                break;
            default:
                throw new LineSyntaxException("Invalid jump target: expected a label or +N");
        }
    }

    private static void ParseLock(LineCursor cursor, AssemblyBuilder builder)
    {
        var fetch = cursor.TryEat("fetch");
        var name = cursor.TryIdentifier()?.ToLowerInvariant();
        var operands = ReadOperands(cursor);
        if (name is null || operands.Count != 2)
        {
            throw new LineSyntaxException("Invalid number of operands for lock: expected 'lock [fetch] op [%rN+off], %rM'");
        }

        var size = StripWidth(ref name, allow64: true) ? Opcode.SizeW : Opcode.SizeDW;
        if (!OperatorNames.ClassicAtomic.TryGetValue(name, out var op))
        {
            throw new LineSyntaxException($"Invalid atomic operation '{name}' (expected add, or, and, xor, xchg or cmpxchg)");
        }

        var imm = fetch ? op | Opcode.AtomicFetch : op;
        var (dst, offset) = operands[0].ExpectMemory();
        var code = (byte)(Opcode.ClassStx | Opcode.ModeAtomic | size);
        builder.Emit(new Instruction(code, dst, operands[1].ExpectRegister(), offset, imm));
    }

    private static List<ClassicOperand> ReadOperands(LineCursor cursor)
    {
        var operands = new List<ClassicOperand>();
        var rest = cursor.Rest;
        if (rest.Length == 0)
        {
            return operands;
        }

        foreach (var part in rest.Split(','))
        {
            operands.Add(ClassicOperand.Parse(part));
        }

        return operands;
    }

    /// <summary>Removes a trailing "32" (true) or "64" (false, if allowed) from a mnemonic.</summary>
    private static bool StripWidth(ref string name, bool allow64)
    {
        if (name.EndsWith("32", StringComparison.Ordinal))
        {
            name = name[..^2];
            return true;
        }

        if (allow64 && name.EndsWith("64", StringComparison.Ordinal))
        {
            name = name[..^2];
        }

        return false;
    }

    private static bool TryEndianness(string name, out byte code, out int width)
    {
        code = 0;
        width = 0;
        var (prefix, cls, source) = name switch
        {
            _ when name.StartsWith("bswap", StringComparison.Ordinal) => ("bswap", Opcode.ClassAlu64, Opcode.SourceK),
            _ when name.StartsWith("swap", StringComparison.Ordinal) => ("swap", Opcode.ClassAlu64, Opcode.SourceK),
            _ when name.StartsWith("be", StringComparison.Ordinal) => ("be", Opcode.ClassAlu, Opcode.SourceX),
            _ when name.StartsWith("le", StringComparison.Ordinal) => ("le", Opcode.ClassAlu, Opcode.SourceK),
            _ => ("", (byte)0, (byte)0),
        };
        if (prefix.Length == 0 || name[prefix.Length..] is not ("16" or "32" or "64"))
        {
            return false;
        }

        code = (byte)(cls | Opcode.End | source);
        width = int.Parse(name[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary><c>movsx{8,16,32}{32,64}</c>: sign-extend the low N bits into a 32- or 64-bit dst.</summary>
    private static bool TryMovsx(string name, out byte cls, out short fromBits)
    {
        cls = 0;
        fromBits = 0;
        (fromBits, cls) = name switch
        {
            "movsx832" => ((short)8, Opcode.ClassAlu),
            "movsx1632" => ((short)16, Opcode.ClassAlu),
            "movsx864" => ((short)8, Opcode.ClassAlu64),
            "movsx1664" => ((short)16, Opcode.ClassAlu64),
            "movsx3264" => ((short)32, Opcode.ClassAlu64),
            _ => ((short)0, (byte)0),
        };
        return fromBits != 0;
    }
}
