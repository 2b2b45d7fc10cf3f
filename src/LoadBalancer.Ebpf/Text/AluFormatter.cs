using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Text;

/// <summary>Text of ALU and ALU64 instructions (see <see cref="Disassembler"/>).</summary>
internal static class AluFormatter
{
    /// <summary>The text, or null if the fields do not form a valid instruction.</summary>
    public static string? Format(Instruction insn)
    {
        var wide = insn.Class == Opcode.ClassAlu64;
        var op = Opcode.Operation(insn.Code);
        var x = Opcode.Source(insn.Code) == Opcode.SourceX;
        var dst = Disassembler.Register(insn.Dst, wide);
        if (insn.Dst > 10 || insn.Src > 10)
        {
            return null;
        }

        switch (op)
        {
            case Opcode.Neg:
                return !x && insn.Src == 0 && insn.Offset == 0 && insn.Imm == 0 ? $"{dst} = -{dst}" : null;
            case Opcode.End:
                return FormatEnd(insn, wide, x);
            case Opcode.Mov when x && insn.Offset != 0:
                return FormatMovsx(insn, wide);
        }

        var symbol = OperatorNames.AluSymbol(op, insn.Offset);
        if (op == Opcode.Mov && insn.Offset == 0)
        {
            symbol = "=";
        }

        if (symbol is null)
        {
            return null;
        }

        if (x)
        {
            return insn.Imm == 0 ? $"{dst} {symbol} {Disassembler.Register(insn.Src, wide)}" : null;
        }

        return insn.Src == 0 ? $"{dst} {symbol} {Disassembler.Number(insn.Imm)}" : null;
    }

    private static string? FormatEnd(Instruction insn, bool wide, bool x)
    {
        if (insn.Src != 0 || insn.Offset != 0 || insn.Imm is not (16 or 32 or 64) || (wide && x))
        {
            return null;
        }

        var name = wide ? "bswap" : x ? "be" : "le";
        return $"r{insn.Dst} = {name}{insn.Imm} r{insn.Dst}";
    }

    private static string? FormatMovsx(Instruction insn, bool wide)
    {
        var valid = insn.Imm == 0 && (insn.Offset is 8 or 16 || (wide && insn.Offset == 32));
        return valid
            ? $"{Disassembler.Register(insn.Dst, wide)} = (s{insn.Offset}){Disassembler.Register(insn.Src, wide)}"
            : null;
    }
}
