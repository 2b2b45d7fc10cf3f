using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Tests.Text;

/// <summary>
/// Every instruction form of RFC 9669 (plus the kernel's pseudo sources), generated from the opcode
/// tables with a few operand values each, as small programs (one instruction; lddw is two slots).
/// </summary>
internal static class InstructionForms
{
    private static readonly byte[] AluOps =
    [
        Opcode.Add, Opcode.Sub, Opcode.Mul, Opcode.Div, Opcode.Or, Opcode.And, Opcode.Lsh,
        Opcode.Rsh, Opcode.Mod, Opcode.Xor, Opcode.Mov, Opcode.Arsh,
    ];

    private static readonly byte[] JumpOps =
    [
        Opcode.Jeq, Opcode.Jgt, Opcode.Jge, Opcode.Jset, Opcode.Jne, Opcode.Jsgt, Opcode.Jsge,
        Opcode.Jlt, Opcode.Jle, Opcode.Jslt, Opcode.Jsle,
    ];

    private static readonly byte[] Sizes = [Opcode.SizeB, Opcode.SizeH, Opcode.SizeW, Opcode.SizeDW];

    private static readonly int[] Imms = [0, 1, -1, int.MaxValue, int.MinValue, 0x7ff];

    private static readonly short[] Offsets = [0, 4, -8, short.MaxValue, short.MinValue];

    private static readonly int[] AtomicOps =
    [
        Opcode.Add, Opcode.Or, Opcode.And, Opcode.Xor,
        Opcode.Add | Opcode.AtomicFetch, Opcode.Or | Opcode.AtomicFetch, Opcode.And | Opcode.AtomicFetch,
        Opcode.Xor | Opcode.AtomicFetch, Opcode.AtomicXchg, Opcode.AtomicCmpXchg,
    ];

    /// <summary>All forms, each a program of one instruction.</summary>
    public static IEnumerable<Instruction[]> All()
    {
        foreach (var cls in (byte[])[Opcode.ClassAlu, Opcode.ClassAlu64])
        {
            foreach (var form in Alu(cls))
            {
                yield return [form];
            }
        }

        foreach (var cls in (byte[])[Opcode.ClassJmp, Opcode.ClassJmp32])
        {
            foreach (var form in Jumps(cls))
            {
                yield return [form];
            }
        }

        foreach (var form in Memory())
        {
            yield return [form];
        }

        foreach (var form in Calls())
        {
            yield return [form];
        }

        foreach (var source in Enum.GetValues<LddwSource>())
        {
            foreach (var value in (ulong[])[0, 1, 0x1122334455667788, ulong.MaxValue, 0x8000000000000000, 0xffffffff])
            {
                var (first, second) = Instruction.Lddw(7, value, source);
                yield return [first, second];
            }
        }
    }

    private static IEnumerable<Instruction> Alu(byte cls)
    {
        foreach (var op in AluOps)
        {
            var signed = op is Opcode.Div or Opcode.Mod ? (short[])[0, 1] : [0];
            foreach (var offset in signed)
            {
                foreach (var imm in Imms)
                {
                    yield return new Instruction((byte)(cls | op), 3, 0, offset, imm);
                }

                yield return new Instruction((byte)(cls | op | Opcode.SourceX), 3, 9, offset, 0);
            }
        }

        yield return new Instruction((byte)(cls | Opcode.Neg), 10, 0, 0, 0);
        foreach (var width in (int[])[16, 32, 64])
        {
            if (cls == Opcode.ClassAlu)
            {
                yield return new Instruction(Opcode.ClassAlu | Opcode.End | Opcode.SourceK, 1, 0, 0, width);
                yield return new Instruction(Opcode.ClassAlu | Opcode.End | Opcode.SourceX, 1, 0, 0, width);
            }
            else
            {
                yield return new Instruction(Opcode.ClassAlu64 | Opcode.End | Opcode.SourceK, 1, 0, 0, width);
            }
        }

        foreach (var from in cls == Opcode.ClassAlu ? (short[])[8, 16] : [8, 16, 32])
        {
            yield return new Instruction((byte)(cls | Opcode.Mov | Opcode.SourceX), 2, 5, from, 0);
        }
    }

    private static IEnumerable<Instruction> Jumps(byte cls)
    {
        foreach (var op in JumpOps)
        {
            foreach (var offset in Offsets)
            {
                yield return new Instruction((byte)(cls | op), 1, 0, offset, -5);
                yield return new Instruction((byte)(cls | op), 1, 0, offset, int.MaxValue);
                yield return new Instruction((byte)(cls | op | Opcode.SourceX), 1, 2, offset, 0);
            }
        }

        foreach (var offset in Offsets)
        {
            if (cls == Opcode.ClassJmp)
            {
                yield return new Instruction(Opcode.ClassJmp | Opcode.Ja, 0, 0, offset, 0);
            }
        }

        if (cls == Opcode.ClassJmp32)
        {
            foreach (var imm in (int[])[0, 70000, -70000, int.MinValue, int.MaxValue])
            {
                yield return new Instruction(Opcode.ClassJmp32 | Opcode.Ja, 0, 0, 0, imm);
            }
        }
    }

    private static IEnumerable<Instruction> Memory()
    {
        foreach (var size in Sizes)
        {
            foreach (var offset in Offsets)
            {
                yield return new Instruction((byte)(Opcode.ClassLdx | Opcode.ModeMem | size), 0, 10, offset, 0);
                yield return new Instruction((byte)(Opcode.ClassStx | Opcode.ModeMem | size), 10, 4, offset, 0);
                yield return new Instruction((byte)(Opcode.ClassSt | Opcode.ModeMem | size), 10, 0, offset, -9);
                if (size != Opcode.SizeDW)
                {
                    yield return new Instruction((byte)(Opcode.ClassLdx | Opcode.ModeMemSx | size), 6, 1, offset, 0);
                }
            }

            if (size != Opcode.SizeDW)
            {
                yield return new Instruction((byte)(Opcode.ClassLd | Opcode.ModeAbs | size), 0, 0, 0, 14);
                yield return new Instruction((byte)(Opcode.ClassLd | Opcode.ModeInd | size), 0, 3, 0, 0);
                yield return new Instruction((byte)(Opcode.ClassLd | Opcode.ModeInd | size), 0, 3, 0, -2);
            }

            if (size is Opcode.SizeW or Opcode.SizeDW)
            {
                foreach (var op in AtomicOps)
                {
                    yield return new Instruction((byte)(Opcode.ClassStx | Opcode.ModeAtomic | size), 1, 2, -16, op);
                }
            }
        }
    }

    private static IEnumerable<Instruction> Calls()
    {
        foreach (var imm in (int[])[0, 1, 5, 212])
        {
            yield return new Instruction(Opcode.ClassJmp | Opcode.Call, 0, (byte)CallKind.Helper, 0, imm);
        }

        foreach (var imm in (int[])[-1, 0, 7, -300, int.MaxValue])
        {
            yield return new Instruction(Opcode.ClassJmp | Opcode.Call, 0, (byte)CallKind.Local, 0, imm);
            yield return new Instruction(Opcode.ClassJmp | Opcode.Call, 0, (byte)CallKind.Kfunc, 0, imm);
        }

        yield return new Instruction(Opcode.ClassJmp | Opcode.Call | Opcode.SourceX, 2, 0, 0, 0);
        yield return new Instruction(Opcode.ClassJmp | Opcode.Exit, 0, 0, 0, 0);
    }
}
