using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Text;

/// <summary>Text of JMP and JMP32 instructions: conditional jumps, goto/gotol, call, callx, exit.</summary>
internal static class JumpFormatter
{
    /// <summary>The text, or null if the fields do not form a valid instruction.</summary>
    public static string? Format(Instruction insn)
    {
        var wide = insn.Class == Opcode.ClassJmp;
        var op = Opcode.Operation(insn.Code);
        var x = Opcode.Source(insn.Code) == Opcode.SourceX;
        if (insn.Dst > 10 || insn.Src > 10 && !(op == Opcode.Call && !x))
        {
            return null;
        }

        switch (op)
        {
            case Opcode.Ja:
                return FormatJa(insn, wide, x);
            case Opcode.Call:
                return wide ? FormatCall(insn, x) : null;
            case Opcode.Exit:
                return wide && !x && insn.Dst == 0 && insn.Src == 0 && insn.Offset == 0 && insn.Imm == 0 ? "exit" : null;
        }

        var symbol = OperatorNames.JumpSymbol(op);
        if (symbol is null || (x ? insn.Imm != 0 : insn.Src != 0))
        {
            return null;
        }

        var right = x ? Disassembler.Register(insn.Src, wide) : Disassembler.Number(insn.Imm);
        return $"if {Disassembler.Register(insn.Dst, wide)} {symbol} {right} goto {Disassembler.Signed(insn.Offset)}";
    }

    private static string? FormatJa(Instruction insn, bool wide, bool x)
    {
        if (x || insn.Dst != 0 || insn.Src != 0)
        {
            return null;
        }

        if (wide)
        {
            return insn.Imm == 0 ? $"goto {Disassembler.Signed(insn.Offset)}" : null;
        }

        return insn.Offset == 0 ? $"gotol {Disassembler.Signed(insn.Imm)}" : null;
    }

    private static string? FormatCall(Instruction insn, bool x)
    {
        if (insn.Offset != 0)
        {
            return null;
        }

        if (x)
        {
            // callx: the target address is in dst (the kernel's encoding; llvm-14 read imm instead).
            return insn.Src == 0 && insn.Imm == 0 ? $"callx r{insn.Dst}" : null;
        }

        if (insn.Dst != 0)
        {
            return null;
        }

        return (CallKind)insn.Src switch
        {
            CallKind.Helper => insn.Imm >= 0 ? $"call {insn.Imm}" : $"call helper {insn.Imm}",
            // llvm-14 prints "call N" for local calls too; a non-negative N would read back as a helper.
            CallKind.Local => insn.Imm < 0 ? $"call {insn.Imm}" : $"call pc+{insn.Imm}",
            CallKind.Kfunc => $"call kfunc {insn.Imm}",
            _ => null,
        };
    }
}
