using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Validation;

/// <summary>
/// Structural checks on bytecode before it runs (RFC 9669 encoding rules, not the data-flow verifier):
/// known opcodes, every unused field zero, registers in range, no writes to r10, well-formed
/// <c>lddw</c> pairs, jump and call targets inside the program and never into the second slot of an
/// <c>lddw</c>, known helpers, valid sign-extension/byte-swap/atomic selectors, and no falling off the
/// end. A pure function of the slots and the helper table: the interpreter and the JIT rely on it and
/// do not re-check these rules.
/// </summary>
public static class BytecodeValidator
{
    /// <summary>Largest program accepted, in slots (the kernel's limit for privileged loaders).</summary>
    public const int MaxSlots = 1_000_000;

    /// <summary>Throws <see cref="BytecodeException"/> naming the first instruction that breaks a rule.</summary>
    /// <param name="slots">The program's instruction slots (an <c>lddw</c> takes two).</param>
    /// <param name="helpers">The helpers calls may name; a call to any other id is rejected.</param>
    public static void Validate(ReadOnlySpan<Instruction> slots, HelperTable helpers)
    {
        ArgumentNullException.ThrowIfNull(helpers);
        if (slots.IsEmpty)
        {
            throw new BytecodeException("Empty program: there are no instructions to run; a program needs at least an exit.", -1);
        }

        if (slots.Length > MaxSlots)
        {
            throw new BytecodeException($"Program has {slots.Length} instruction slots, more than the limit of {MaxSlots}.", -1);
        }

        // Pass 1: find the second halves of lddw, which are not instructions and cannot be jump targets.
        var secondHalf = new bool[slots.Length];
        for (var pc = 0; pc < slots.Length; pc++)
        {
            if (slots[pc].Code == Opcode.Lddw)
            {
                if (pc + 1 >= slots.Length)
                {
                    throw Fail(slots, pc, "lddw is truncated: it needs a second slot with the high 32 bits of the immediate, but the program ends here");
                }

                secondHalf[pc + 1] = true;
                pc++;
            }
        }

        // Pass 2: every instruction on its own.
        for (var pc = 0; pc < slots.Length; pc++)
        {
            ValidateInstruction(slots, secondHalf, pc, helpers);
            if (slots[pc].Code == Opcode.Lddw)
            {
                pc++;
            }
        }

        var lastPc = secondHalf[^1] ? slots.Length - 2 : slots.Length - 1;
        var last = slots[lastPc].Code;
        if (last != (Opcode.ClassJmp | Opcode.Exit) && last != (Opcode.ClassJmp | Opcode.Ja) && last != (Opcode.ClassJmp32 | Opcode.Ja))
        {
            throw Fail(slots, lastPc, "the last instruction must be exit or an unconditional jump, otherwise execution falls off the end of the program");
        }
    }

    private static void ValidateInstruction(ReadOnlySpan<Instruction> slots, bool[] secondHalf, int pc, HelperTable helpers)
    {
        var insn = slots[pc];
        if (insn.Dst > 10)
        {
            throw Fail(slots, pc, $"destination register r{insn.Dst} does not exist (r0-r10)");
        }

        if (insn.Src > 10 && insn.Code != Opcode.Lddw)
        {
            throw Fail(slots, pc, $"source register r{insn.Src} does not exist (r0-r10)");
        }

        switch (insn.Class)
        {
            case Opcode.ClassAlu:
            case Opcode.ClassAlu64:
                ValidateAlu(slots, pc);
                break;
            case Opcode.ClassJmp:
            case Opcode.ClassJmp32:
                ValidateJump(slots, secondHalf, pc, helpers);
                break;
            case Opcode.ClassLd:
                ValidateLd(slots, secondHalf, pc);
                break;
            case Opcode.ClassLdx:
                ValidateLdx(slots, pc);
                break;
            case Opcode.ClassSt:
                if (Opcode.Mode(insn.Code) != Opcode.ModeMem)
                {
                    throw Unknown(slots, pc);
                }

                Require(slots, pc, insn.Src == 0, "store of an immediate must have src = 0 (unused field)");
                break;
            default:
                ValidateStx(slots, pc);
                break;
        }
    }

    private static void ValidateAlu(ReadOnlySpan<Instruction> slots, int pc)
    {
        var insn = slots[pc];
        var is64 = insn.Class == Opcode.ClassAlu64;
        var isReg = Opcode.Source(insn.Code) == Opcode.SourceX;
        var op = Opcode.Operation(insn.Code);
        RequireWritable(slots, pc);
        switch (op)
        {
            case Opcode.Add or Opcode.Sub or Opcode.Mul or Opcode.Or or Opcode.And or Opcode.Lsh or Opcode.Rsh or Opcode.Xor or Opcode.Arsh:
                Require(slots, pc, insn.Offset == 0, "offset must be 0 (unused field)");
                RequireOperand(slots, pc, isReg);
                break;
            case Opcode.Div or Opcode.Mod:
                Require(slots, pc, insn.Offset is 0 or 1, "offset must be 0 (unsigned) or 1 (signed division/modulo)");
                RequireOperand(slots, pc, isReg);
                break;
            case Opcode.Neg:
                Require(slots, pc, !isReg, "neg takes no source operand: the source bit must be BPF_K");
                Require(slots, pc, insn.Src == 0 && insn.Imm == 0 && insn.Offset == 0, "neg must have src, offset and imm 0 (unused fields)");
                break;
            case Opcode.Mov:
                if (isReg)
                {
                    Require(slots, pc, insn.Imm == 0, "imm must be 0 for a register source (unused field)");
                    Require(
                        slots,
                        pc,
                        insn.Offset is 0 or 8 or 16 || (is64 && insn.Offset == 32),
                        is64 ? "movsx offset must be 0, 8, 16 or 32" : "32-bit movsx offset must be 0, 8 or 16");
                }
                else
                {
                    Require(slots, pc, insn.Src == 0 && insn.Offset == 0, "mov of an immediate must have src and offset 0 (unused fields)");
                }

                break;
            case Opcode.End:
                Require(slots, pc, !(is64 && isReg), "64-bit byte swap must use the BPF_K source bit (bswap)");
                Require(slots, pc, insn.Src == 0 && insn.Offset == 0, "byte swap must have src and offset 0 (unused fields)");
                Require(slots, pc, insn.Imm is 16 or 32 or 64, "byte swap width (imm) must be 16, 32 or 64");
                break;
            default:
                throw Unknown(slots, pc);
        }
    }

    private static void ValidateJump(ReadOnlySpan<Instruction> slots, bool[] secondHalf, int pc, HelperTable helpers)
    {
        var insn = slots[pc];
        var is32 = insn.Class == Opcode.ClassJmp32;
        var isReg = Opcode.Source(insn.Code) == Opcode.SourceX;
        switch (Opcode.Operation(insn.Code))
        {
            case Opcode.Ja:
                Require(slots, pc, !isReg, "ja must use the BPF_K source bit");
                Require(slots, pc, insn.Dst == 0 && insn.Src == 0, "ja must have dst and src 0 (unused fields)");
                if (is32)
                {
                    Require(slots, pc, insn.Offset == 0, "gotol takes its target from imm: offset must be 0 (unused field)");
                    RequireTarget(slots, secondHalf, pc, (long)pc + 1 + insn.Imm);
                }
                else
                {
                    Require(slots, pc, insn.Imm == 0, "ja takes its target from offset: imm must be 0 (unused field)");
                    RequireTarget(slots, secondHalf, pc, (long)pc + 1 + insn.Offset);
                }

                break;
            case Opcode.Jeq or Opcode.Jgt or Opcode.Jge or Opcode.Jset or Opcode.Jne or Opcode.Jsgt or Opcode.Jsge
                or Opcode.Jlt or Opcode.Jle or Opcode.Jslt or Opcode.Jsle:
                RequireOperand(slots, pc, isReg);
                RequireTarget(slots, secondHalf, pc, (long)pc + 1 + insn.Offset);
                break;
            case Opcode.Call when !is32:
                ValidateCall(slots, secondHalf, pc, helpers, isReg);
                break;
            case Opcode.Exit when !is32:
                Require(slots, pc, !isReg, "exit must use the BPF_K source bit");
                Require(slots, pc, insn.Dst == 0 && insn.Src == 0 && insn.Offset == 0 && insn.Imm == 0, "exit must have every field 0 (unused fields)");
                break;
            default:
                throw Unknown(slots, pc);
        }
    }

    private static void ValidateCall(ReadOnlySpan<Instruction> slots, bool[] secondHalf, int pc, HelperTable helpers, bool isReg)
    {
        var insn = slots[pc];
        Require(slots, pc, insn.Offset == 0, "call must have offset 0 (unused field)");
        if (isReg)
        {
            // callx: the helper id is in the register named by dst (the encoding LLVM and the conformance suite use).
            Require(slots, pc, insn.Src == 0 && insn.Imm == 0, "call by register (callx) must have src and imm 0, the register is in dst (unused fields)");
            return;
        }

        Require(slots, pc, insn.Dst == 0, "call must have dst 0 (unused field)");
        switch ((CallKind)insn.Src)
        {
            case CallKind.Helper:
                if (!helpers.Contains(insn.Imm))
                {
                    throw Fail(slots, pc, $"call to {HelperIds.Describe(insn.Imm)}, which this runtime does not provide; register it in the HelperTable or avoid the call");
                }

                break;
            case CallKind.Local:
                RequireTarget(slots, secondHalf, pc, (long)pc + 1 + insn.Imm);
                break;
            case CallKind.Kfunc:
                throw Fail(slots, pc, $"call to kernel function (kfunc) BTF id {insn.Imm}: kfuncs are not supported by this runtime");
            default:
                throw Fail(slots, pc, $"call with unknown source kind {insn.Src} (0 helper, 1 local function, 2 kfunc)");
        }
    }

    private static void ValidateLd(ReadOnlySpan<Instruction> slots, bool[] secondHalf, int pc)
    {
        var insn = slots[pc];
        if (insn.Code == Opcode.Lddw)
        {
            RequireWritable(slots, pc);
            Require(slots, pc, insn.Offset == 0, "lddw must have offset 0 (unused field)");
            var next = slots[pc + 1];
            Require(slots, pc, next.Code == 0 && next.Dst == 0 && next.Src == 0 && next.Offset == 0, $"the second slot of lddw {next} must have code, registers and offset 0");
            switch ((LddwSource)insn.Src)
            {
                case LddwSource.Imm64 or LddwSource.MapValue or LddwSource.MapIndexValue or LddwSource.BtfId:
                    break;
                case LddwSource.MapFd or LddwSource.MapIndex:
                    Require(slots, pc, next.Imm == 0, "lddw of a map must have 0 in the second slot's imm");
                    break;
                case LddwSource.Function:
                    Require(slots, pc, next.Imm == 0, "lddw of a function address must have 0 in the second slot's imm");
                    RequireTarget(slots, secondHalf, pc, (long)pc + 1 + insn.Imm);
                    break;
                default:
                    throw Fail(slots, pc, $"lddw with unknown source kind {insn.Src} (0 imm64, 1 map fd, 2 map value, 3 BTF id, 4 function, 5 map index, 6 map index value)");
            }

            return;
        }

        var mode = Opcode.Mode(insn.Code);
        if ((mode != Opcode.ModeAbs && mode != Opcode.ModeInd) || Opcode.Size(insn.Code) == Opcode.SizeDW)
        {
            throw Unknown(slots, pc);
        }

        // Legacy packet loads write r0 implicitly; dst and offset are unused.
        Require(slots, pc, insn.Dst == 0 && insn.Offset == 0, "legacy packet load must have dst and offset 0 (unused fields)");
        Require(slots, pc, mode == Opcode.ModeInd || insn.Src == 0, "absolute packet load must have src 0 (unused field)");
    }

    private static void ValidateLdx(ReadOnlySpan<Instruction> slots, int pc)
    {
        var insn = slots[pc];
        var mode = Opcode.Mode(insn.Code);
        if (mode != Opcode.ModeMem && !(mode == Opcode.ModeMemSx && Opcode.Size(insn.Code) != Opcode.SizeDW))
        {
            throw Unknown(slots, pc);
        }

        RequireWritable(slots, pc);
        Require(slots, pc, insn.Imm == 0, "load must have imm 0 (unused field)");
    }

    private static void ValidateStx(ReadOnlySpan<Instruction> slots, int pc)
    {
        var insn = slots[pc];
        var mode = Opcode.Mode(insn.Code);
        if (mode == Opcode.ModeMem)
        {
            Require(slots, pc, insn.Imm == 0, "store of a register must have imm 0 (unused field)");
            return;
        }

        var size = Opcode.Size(insn.Code);
        if (mode != Opcode.ModeAtomic || (size != Opcode.SizeW && size != Opcode.SizeDW))
        {
            throw Unknown(slots, pc);
        }

        switch (insn.Imm)
        {
            case Opcode.Add or Opcode.Or or Opcode.And or Opcode.Xor:
                break;
            case Opcode.Add | Opcode.AtomicFetch or Opcode.Or | Opcode.AtomicFetch or Opcode.And | Opcode.AtomicFetch
                or Opcode.Xor | Opcode.AtomicFetch or Opcode.AtomicXchg:
                Require(slots, pc, insn.Src != 10, "atomic fetch writes its source register, and r10 is read-only");
                break;
            case Opcode.AtomicCmpXchg:
                break;
            default:
                throw Fail(slots, pc, $"unknown atomic operation imm=0x{insn.Imm:x} (add, or, and, xor with optional fetch 0x1, xchg 0xe1, cmpxchg 0xf1)");
        }
    }

    private static void RequireOperand(ReadOnlySpan<Instruction> slots, int pc, bool isReg)
    {
        var insn = slots[pc];
        if (isReg)
        {
            Require(slots, pc, insn.Imm == 0, "imm must be 0 for a register source (unused field)");
        }
        else
        {
            Require(slots, pc, insn.Src == 0, "src must be 0 for an immediate source (unused field)");
        }
    }

    private static void RequireWritable(ReadOnlySpan<Instruction> slots, int pc)
    {
        if (slots[pc].Dst == 10)
        {
            throw Fail(slots, pc, "writes r10, the read-only frame pointer");
        }
    }

    private static void RequireTarget(ReadOnlySpan<Instruction> slots, bool[] secondHalf, int pc, long target)
    {
        if (target < 0 || target >= slots.Length)
        {
            throw Fail(slots, pc, $"jump or call target {target} is outside the program (0-{slots.Length - 1})");
        }

        if (secondHalf[target])
        {
            throw Fail(slots, pc, $"jump or call target {target} is the second slot of an lddw");
        }
    }

    private static void Require(ReadOnlySpan<Instruction> slots, int pc, bool condition, string rule)
    {
        if (!condition)
        {
            throw Fail(slots, pc, rule);
        }
    }

    private static BytecodeException Unknown(ReadOnlySpan<Instruction> slots, int pc) =>
        Fail(slots, pc, $"unknown opcode 0x{slots[pc].Code:x2}");

    private static BytecodeException Fail(ReadOnlySpan<Instruction> slots, int pc, string rule) =>
        new($"Invalid instruction at PC {pc} {slots[pc]}: {rule}.", pc);
}
