using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Text;

/// <summary>Text of loads, stores, atomics, lddw and the legacy packet loads.</summary>
internal static class MemoryFormatter
{
    /// <summary>BPF_LD class: lddw (two slots) and legacy ABS/IND packet loads; null if invalid.</summary>
    public static string? FormatLd(ReadOnlySpan<Instruction> program, int index)
    {
        var insn = program[index];
        var mode = Opcode.Mode(insn.Code);
        var size = Opcode.Size(insn.Code);
        if (insn.Code == Opcode.Lddw)
        {
            return index + 1 < program.Length ? FormatLddw(insn, program[index + 1]) : null;
        }

        if (size == Opcode.SizeDW || insn.Dst != 0 || insn.Offset != 0)
        {
            return null;
        }

        var type = $"*(u{OperatorNames.Bits(size)} *)skb";
        if (mode == Opcode.ModeAbs && insn.Src == 0)
        {
            return $"r0 = {type}[{insn.Imm}]";
        }

        if (mode != Opcode.ModeInd || insn.Src > 10)
        {
            return null;
        }

        // llvm-14 prints only the register; the kernel adds a non-zero imm, which this keeps.
        return insn.Imm == 0
            ? $"r0 = {type}[r{insn.Src}]"
            : $"r0 = {type}[r{insn.Src} {(insn.Imm < 0 ? '-' : '+')} {Math.Abs((long)insn.Imm)}]";
    }

    /// <summary>LDX, ST and STX classes; null if invalid.</summary>
    public static string? Format(Instruction insn)
    {
        var mode = Opcode.Mode(insn.Code);
        var size = Opcode.Size(insn.Code);
        var bits = OperatorNames.Bits(size);
        if (insn.Dst > 10 || insn.Src > 10)
        {
            return null;
        }

        var address = $"(r{insn.Dst} {(insn.Offset < 0 ? '-' : '+')} {Math.Abs((int)insn.Offset)})";
        switch (insn.Class)
        {
            case Opcode.ClassLdx when insn.Imm == 0 && mode == Opcode.ModeMem:
                return $"r{insn.Dst} = *(u{bits} *){Source(insn)}";
            case Opcode.ClassLdx when insn.Imm == 0 && mode == Opcode.ModeMemSx && size != Opcode.SizeDW:
                return $"r{insn.Dst} = *(s{bits} *){Source(insn)}";
            case Opcode.ClassSt when insn.Src == 0 && mode == Opcode.ModeMem:
                return $"*(u{bits} *){address} = {insn.Imm}";
            case Opcode.ClassStx when insn.Imm == 0 && mode == Opcode.ModeMem:
                return $"*(u{bits} *){address} = r{insn.Src}";
            case Opcode.ClassStx when mode == Opcode.ModeAtomic && size is Opcode.SizeW or Opcode.SizeDW:
                return FormatAtomic(insn, size == Opcode.SizeDW, address);
            default:
                return null;
        }
    }

    private static string Source(Instruction insn) =>
        $"(r{insn.Src} {(insn.Offset < 0 ? '-' : '+')} {Math.Abs((int)insn.Offset)})";

    private static string? FormatAtomic(Instruction insn, bool wide, string address)
    {
        var bits = wide ? 64 : 32;
        var src = Disassembler.Register(insn.Src, wide);
        var baseOffset = Disassembler.BaseOffset(insn.Dst, insn.Offset);
        switch (insn.Imm)
        {
            case Opcode.AtomicXchg:
                return wide ? $"{src} = xchg_64({baseOffset}, {src})" : $"{src} = xchg32_32({baseOffset}, {src})";
            case Opcode.AtomicCmpXchg:
                var r0 = Disassembler.Register(0, wide);
                return wide
                    ? $"{r0} = cmpxchg_64({baseOffset}, {r0}, {src})"
                    : $"{r0} = cmpxchg32_32({baseOffset}, {r0}, {src})";
        }

        var fetch = (insn.Imm & Opcode.AtomicFetch) != 0;
        var op = insn.Imm & ~Opcode.AtomicFetch;
        var name = OperatorNames.AtomicName(op);
        if (name is null)
        {
            return null;
        }

        if (fetch)
        {
            return $"{src} = atomic_fetch_{name}((u{bits} *){address}, {src})";
        }

        // llvm-14 names the value register rN even for the 32-bit form.
        var symbol = OperatorNames.AluSymbol((byte)op, 0);
        return $"lock *(u{bits} *){address} {symbol} r{insn.Src}";
    }

    private static string? FormatLddw(Instruction first, Instruction second)
    {
        if (second.Code != 0 || second.Dst != 0 || second.Src != 0 || second.Offset != 0
            || first.Offset != 0 || first.Dst > 10 || first.Src > (byte)LddwSource.MapIndexValue)
        {
            return null;
        }

        if (first.Src == (byte)LddwSource.Imm64)
        {
            return $"r{first.Dst} = {(long)Instruction.LddwValue(first, second)} ll";
        }

        // llvm-14: "ld_pseudo r1, 2, 4294967294" (the first imm, unsigned); a second imm (map value
        // offset) is appended so the text stays exact.
        var text = $"ld_pseudo r{first.Dst}, {first.Src}, {(uint)first.Imm}";
        return second.Imm == 0 ? text : $"{text}, {second.Imm}";
    }
}
