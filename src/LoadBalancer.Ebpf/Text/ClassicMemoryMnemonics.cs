using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// Classic loads and stores: <c>ldx{b,h,w,dw}</c>, sign-extending <c>ldxs{b,h,w}</c>,
/// <c>st{b,h,w,dw} [mem], imm</c>, <c>stx{b,h,w,dw} [mem], %r</c> and the legacy packet loads
/// <c>ldabs{b,h,w} imm</c> / <c>ldind{b,h,w} %r, imm</c>.
/// </summary>
internal static class ClassicMemoryMnemonics
{
    /// <summary>Emits the instruction if <paramref name="name"/> is a load or store mnemonic.</summary>
    public static bool TryEmit(string name, List<ClassicOperand> operands, AssemblyBuilder builder)
    {
        if (TrySplit(name, "ldxs", out var size) && size != Opcode.SizeDW)
        {
            EmitLoad(name, operands, builder, Opcode.ModeMemSx, size);
        }
        else if (TrySplit(name, "ldx", out size))
        {
            EmitLoad(name, operands, builder, Opcode.ModeMem, size);
        }
        else if (TrySplit(name, "stx", out size))
        {
            ClassicSyntaxParser.Require(name, operands, 2);
            var (dst, offset) = operands[0].ExpectMemory();
            var code = (byte)(Opcode.ClassStx | Opcode.ModeMem | size);
            builder.Emit(new Instruction(code, dst, operands[1].ExpectRegister(), offset, 0));
        }
        else if (TrySplit(name, "st", out size))
        {
            ClassicSyntaxParser.Require(name, operands, 2);
            var (dst, offset) = operands[0].ExpectMemory();
            var code = (byte)(Opcode.ClassSt | Opcode.ModeMem | size);
            builder.Emit(new Instruction(code, dst, 0, offset, operands[1].ExpectImm32()));
        }
        else if (TrySplit(name, "ldabs", out size) && size != Opcode.SizeDW)
        {
            ClassicSyntaxParser.Require(name, operands, 1);
            var code = (byte)(Opcode.ClassLd | Opcode.ModeAbs | size);
            builder.Emit(new Instruction(code, 0, 0, 0, operands[0].ExpectImm32()));
        }
        else if (TrySplit(name, "ldind", out size) && size != Opcode.SizeDW)
        {
            ClassicSyntaxParser.Require(name, operands, 2);
            var code = (byte)(Opcode.ClassLd | Opcode.ModeInd | size);
            builder.Emit(new Instruction(code, 0, operands[0].ExpectRegister(), 0, operands[1].ExpectImm32()));
        }
        else
        {
            return false;
        }

        return true;
    }

    private static void EmitLoad(string name, List<ClassicOperand> operands, AssemblyBuilder builder, byte mode, byte size)
    {
        ClassicSyntaxParser.Require(name, operands, 2);
        var dst = operands[0].ExpectRegister();
        var (src, offset) = operands[1].ExpectMemory();
        builder.Emit(new Instruction((byte)(Opcode.ClassLdx | mode | size), dst, src, offset, 0));
    }

    private static bool TrySplit(string name, string prefix, out byte size)
    {
        size = 0;
        return name.StartsWith(prefix, StringComparison.Ordinal)
            && OperatorNames.ClassicSize.TryGetValue(name[prefix.Length..], out size);
    }
}
