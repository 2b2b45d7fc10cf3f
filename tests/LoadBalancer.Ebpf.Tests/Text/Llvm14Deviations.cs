using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Tests.Text;

/// <summary>
/// Where llvm-objdump-14's text is not a faithful rendering of the slot, so the disassembler
/// (which must read back exactly) prints something else. Each case is an instruction field that
/// llvm-14 ignores or an opcode it does not know.
/// </summary>
internal static class Llvm14Deviations
{
    /// <summary>True if <paramref name="theirs"/> differs from <paramref name="ours"/> for a known reason.</summary>
    public static bool Explains(Instruction insn, string theirs, string ours)
    {
        if (theirs == "<unknown>")
        {
            // Opcodes llvm-14 does not decode: v4 ISA, 32-bit atomics other than add, BPF_ST, jset, mod.
            return true;
        }

        var op = Opcode.Operation(insn.Code);
        var isAlu = insn.Class is Opcode.ClassAlu or Opcode.ClassAlu64;
        return insn.Class switch
        {
            // sdiv/smod/movsx: llvm-14 ignores the offset field and prints div/mod/mov.
            _ when isAlu && insn.Offset != 0 && op is Opcode.Div or Opcode.Mod or Opcode.Mov => true,
            // A 32-bit fetch-add prints like the plain add.
            Opcode.ClassStx when insn.Code == (Opcode.ClassStx | Opcode.ModeAtomic | Opcode.SizeW) => insn.Imm == (Opcode.Add | Opcode.AtomicFetch),
            // Calls: llvm-14 ignores the source field (local call, kfunc) and reads callx's register from imm.
            Opcode.ClassJmp when op == Opcode.Call => insn.Src != 0 || Opcode.Source(insn.Code) == Opcode.SourceX,
            // Legacy IND loads: llvm-14 drops a non-zero imm; ld_pseudo: it drops the second imm.
            Opcode.ClassLd when Opcode.Mode(insn.Code) == Opcode.ModeInd => insn.Imm != 0,
            Opcode.ClassLd when insn.Code == Opcode.Lddw => insn.Src != 0 && ours.StartsWith(theirs + ",", StringComparison.Ordinal),
            _ => false,
        };
    }
}
