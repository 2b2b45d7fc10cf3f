using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// The llvm/kernel forms written like a function call after <c>rN =</c>: byte swaps
/// (<c>be16 r1</c>, <c>le32 r1</c>, <c>bswap64 r1</c>) and the fetching atomics
/// (<c>atomic_fetch_add((u64 *)(r1 + 0), r2)</c>, <c>xchg_64(r1 + 0, r2)</c>,
/// <c>cmpxchg_64(r1 + 0, r0, r2)</c> and their 32-bit <c>xchg32_32</c> / <c>cmpxchg32_32</c>).
/// </summary>
internal static class LlvmFunctionForms
{
    /// <summary>Parses what follows <paramref name="function"/> and emits the instruction.</summary>
    public static void Parse(LineCursor cursor, AssemblyBuilder builder, string function, byte dst, bool wide)
    {
        var name = function.ToLowerInvariant();
        if (TryByteSwap(name, wide, out var code, out var width))
        {
            var src = cursor.ExpectRegister(out var srcWide);
            if (src != dst || srcWide != wide)
            {
                throw new LineSyntaxException($"{function} must name the destination register on both sides (r1 = {function} r1)");
            }

            builder.Emit(new Instruction(code, dst, 0, 0, width));
        }
        else if (name.StartsWith("atomic_fetch_", StringComparison.Ordinal) || name.StartsWith("atomic64_fetch_", StringComparison.Ordinal))
        {
            var op = name[(name.IndexOf("fetch_", StringComparison.Ordinal) + 6)..] switch
            {
                "add" => Opcode.Add,
                "or" => Opcode.Or,
                "and" => Opcode.And,
                "xor" => Opcode.Xor,
                _ => throw new LineSyntaxException($"Invalid atomic operation '{function}'"),
            };
            cursor.Expect("(");
            var (size, _) = LlvmAddress.ReadCast(cursor);
            var (address, offset) = LlvmAddress.ReadParenthesised(cursor);
            cursor.Expect(",");
            RequireSame(cursor, dst, wide, "the value register");
            cursor.Expect(")");
            builder.Emit(new Instruction(LlvmAddress.AtomicCode(size), address, dst, offset, op | Opcode.AtomicFetch));
        }
        else if (name is "xchg_64" or "xchg32_32" or "cmpxchg_64" or "cmpxchg32_32")
        {
            ParseExchange(cursor, builder, name, dst, wide);
        }
        else
        {
            throw new LineSyntaxException($"Invalid mnemonic '{function}'");
        }
    }

    private static void ParseExchange(LineCursor cursor, AssemblyBuilder builder, string name, byte dst, bool wide)
    {
        var size = name.EndsWith("_64", StringComparison.Ordinal) ? Opcode.SizeDW : Opcode.SizeW;
        cursor.Expect("(");
        var (address, offset) = LlvmAddress.ReadBaseOffset(cursor);
        cursor.Expect(",");
        RequireSame(cursor, dst, wide, "the value register");
        byte src = dst;
        var imm = Opcode.AtomicXchg;
        if (name.StartsWith("cmpxchg", StringComparison.Ordinal))
        {
            if (dst != 0)
            {
                throw new LineSyntaxException("cmpxchg compares with and returns into r0 (r0 = cmpxchg_64(r1 + 0, r0, r2))");
            }

            cursor.Expect(",");
            src = cursor.ExpectRegister(out _);
            imm = Opcode.AtomicCmpXchg;
        }

        cursor.Expect(")");
        builder.Emit(new Instruction(LlvmAddress.AtomicCode(size), address, src, offset, imm));
    }

    private static void RequireSame(LineCursor cursor, byte dst, bool wide, string what)
    {
        var register = cursor.ExpectRegister(out var registerWide);
        if (register != dst || registerWide != wide)
        {
            throw new LineSyntaxException($"Invalid register: {what} must be the destination register");
        }
    }

    private static bool TryByteSwap(string name, bool wide, out byte code, out int width)
    {
        code = 0;
        width = 0;
        var prefix = name.StartsWith("bswap", StringComparison.Ordinal) ? "bswap"
            : name.StartsWith("be", StringComparison.Ordinal) ? "be"
            : name.StartsWith("le", StringComparison.Ordinal) ? "le" : null;
        if (prefix is null || name[prefix.Length..] is not ("16" or "32" or "64") || !wide)
        {
            return false;
        }

        width = int.Parse(name[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
        code = prefix switch
        {
            "bswap" => Opcode.ClassAlu64 | Opcode.End | Opcode.SourceK,
            "be" => Opcode.ClassAlu | Opcode.End | Opcode.SourceX,
            _ => Opcode.ClassAlu | Opcode.End | Opcode.SourceK,
        };
        return true;
    }
}
