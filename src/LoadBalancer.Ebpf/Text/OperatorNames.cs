using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// The spellings of ALU, jump, atomic and size codes in both syntaxes, shared by the parsers and the
/// disassembler so that what one prints the other reads.
/// </summary>
internal static class OperatorNames
{
    /// <summary>Classic ALU mnemonics (without the 32/64 suffix): operation and offset field.</summary>
    public static readonly Dictionary<string, (byte Op, short Offset)> ClassicAlu = new(StringComparer.OrdinalIgnoreCase)
    {
        ["add"] = (Opcode.Add, 0), ["sub"] = (Opcode.Sub, 0), ["mul"] = (Opcode.Mul, 0),
        ["div"] = (Opcode.Div, 0), ["sdiv"] = (Opcode.Div, 1), ["or"] = (Opcode.Or, 0),
        ["and"] = (Opcode.And, 0), ["lsh"] = (Opcode.Lsh, 0), ["rsh"] = (Opcode.Rsh, 0),
        ["neg"] = (Opcode.Neg, 0), ["mod"] = (Opcode.Mod, 0), ["smod"] = (Opcode.Mod, 1),
        ["xor"] = (Opcode.Xor, 0), ["mov"] = (Opcode.Mov, 0), ["arsh"] = (Opcode.Arsh, 0),
    };

    /// <summary>Classic conditional jump mnemonics (without the 32 suffix).</summary>
    public static readonly Dictionary<string, byte> ClassicJump = new(StringComparer.OrdinalIgnoreCase)
    {
        ["jeq"] = Opcode.Jeq, ["jgt"] = Opcode.Jgt, ["jge"] = Opcode.Jge, ["jset"] = Opcode.Jset,
        ["jne"] = Opcode.Jne, ["jsgt"] = Opcode.Jsgt, ["jsge"] = Opcode.Jsge, ["jlt"] = Opcode.Jlt,
        ["jle"] = Opcode.Jle, ["jslt"] = Opcode.Jslt, ["jsle"] = Opcode.Jsle,
    };

    /// <summary>Classic atomic operation names after <c>lock</c> (without the 32 suffix).</summary>
    public static readonly Dictionary<string, int> ClassicAtomic = new(StringComparer.OrdinalIgnoreCase)
    {
        ["add"] = Opcode.Add, ["or"] = Opcode.Or, ["and"] = Opcode.And, ["xor"] = Opcode.Xor,
        ["xchg"] = Opcode.AtomicXchg, ["cmpxchg"] = Opcode.AtomicCmpXchg,
    };

    /// <summary>llvm compound assignment operators: operation and offset field.</summary>
    public static readonly Dictionary<string, (byte Op, short Offset)> LlvmAlu = new(StringComparer.Ordinal)
    {
        ["+="] = (Opcode.Add, 0), ["-="] = (Opcode.Sub, 0), ["*="] = (Opcode.Mul, 0),
        ["/="] = (Opcode.Div, 0), ["s/="] = (Opcode.Div, 1), ["|="] = (Opcode.Or, 0),
        ["&="] = (Opcode.And, 0), ["<<="] = (Opcode.Lsh, 0), [">>="] = (Opcode.Rsh, 0),
        ["%="] = (Opcode.Mod, 0), ["s%="] = (Opcode.Mod, 1), ["^="] = (Opcode.Xor, 0),
        ["s>>="] = (Opcode.Arsh, 0),
    };

    /// <summary>llvm comparison operators of <c>if ... goto</c>.</summary>
    public static readonly Dictionary<string, byte> LlvmJump = new(StringComparer.Ordinal)
    {
        ["=="] = Opcode.Jeq, ["!="] = Opcode.Jne, [">"] = Opcode.Jgt, [">="] = Opcode.Jge,
        ["<"] = Opcode.Jlt, ["<="] = Opcode.Jle, ["s>"] = Opcode.Jsgt, ["s>="] = Opcode.Jsge,
        ["s<"] = Opcode.Jslt, ["s<="] = Opcode.Jsle, ["&"] = Opcode.Jset,
    };

    /// <summary>llvm spellings of the non-fetching atomic operations in <c>lock *(..) op= r</c>.</summary>
    public static readonly Dictionary<string, int> LlvmAtomic = new(StringComparer.Ordinal)
    {
        ["+="] = Opcode.Add, ["|="] = Opcode.Or, ["&="] = Opcode.And, ["^="] = Opcode.Xor,
    };

    /// <summary>Classic size suffixes (<c>b h w dw</c>) to size codes.</summary>
    public static readonly Dictionary<string, byte> ClassicSize = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b"] = Opcode.SizeB, ["h"] = Opcode.SizeH, ["w"] = Opcode.SizeW, ["dw"] = Opcode.SizeDW,
    };

    /// <summary>The llvm operator for an ALU operation, or null if it has none.</summary>
    public static string? AluSymbol(byte op, short offset)
    {
        foreach (var (symbol, code) in LlvmAlu)
        {
            if (code.Op == op && code.Offset == offset)
            {
                return symbol;
            }
        }

        return null;
    }

    /// <summary>The llvm comparison for a conditional jump operation, or null.</summary>
    public static string? JumpSymbol(byte op)
    {
        foreach (var (symbol, code) in LlvmJump)
        {
            if (code == op)
            {
                return symbol;
            }
        }

        return null;
    }

    /// <summary>The atomic operation's llvm name (<c>add</c>, <c>or</c>, ...), or null.</summary>
    public static string? AtomicName(int op) => op switch
    {
        Opcode.Add => "add",
        Opcode.Or => "or",
        Opcode.And => "and",
        Opcode.Xor => "xor",
        _ => null,
    };

    /// <summary>Bits of a size code (8, 16, 32, 64).</summary>
    public static int Bits(byte sizeCode) => Opcode.SizeInBytes(sizeCode) * 8;

    /// <summary>The size code for a bit width, or an error.</summary>
    public static byte SizeCode(int bits) => bits switch
    {
        8 => Opcode.SizeB,
        16 => Opcode.SizeH,
        32 => Opcode.SizeW,
        64 => Opcode.SizeDW,
        _ => throw new LineSyntaxException($"Invalid access size {bits} (expected 8, 16, 32 or 64)"),
    };
}
