using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Verification.Internal;

internal sealed partial class Checker
{
    private static string OpName(byte op) => op switch
    {
        Opcode.Add => "+=",
        Opcode.Sub => "-=",
        Opcode.Mul => "*=",
        Opcode.Div => "/=",
        Opcode.Or => "|=",
        Opcode.And => "&=",
        Opcode.Lsh => "<<=",
        Opcode.Rsh => ">>=",
        Opcode.Neg => "neg",
        Opcode.Mod => "%=",
        Opcode.Xor => "^=",
        Opcode.Arsh => "s>>=",
        Opcode.End => "bswap",
        _ => "?",
    };

    private void Alu(Instruction insn)
    {
        var is64 = insn.Class == Opcode.ClassAlu64;
        var op = Opcode.Operation(insn.Code);
        var isX = Opcode.Source(insn.Code) == Opcode.SourceX;
        var d = insn.Dst;

        if (op == Opcode.Mov)
        {
            if (!isX)
            {
                Reg(d) = RegState.ConstScalar(is64 ? (ulong)(long)insn.Imm : (uint)insn.Imm);
                return;
            }

            CheckRead(insn.Src);
            var src = Reg(insn.Src);
            if (src.IsPointer)
            {
                if (is64 && insn.Offset == 0)
                {
                    Reg(d) = src;
                    return;
                }

                if (_options.Strict)
                {
                    throw Fail($"R{insn.Src} partial copy of pointer: a 32-bit or sign-extending move would leak part of an address (unprivileged)");
                }

                Reg(d) = is64 ? RegState.UnknownScalar() : RegState.UnknownOfSize(4);
                return;
            }

            if (is64 && insn.Offset == 0)
            {
                // A plain copy links the two registers: a bounds check on one applies to the other.
                if (!src.IsConst)
                {
                    if (src.Id == 0)
                    {
                        Reg(insn.Src).Id = NewId();
                    }

                    Reg(d) = Reg(insn.Src);
                    return;
                }

                Reg(d) = src;
                return;
            }

            var result = Reg(d);
            ScalarAlu.Apply(ref result, src, op, insn.Offset, is64);
            result.Id = 0;
            Reg(d) = result;
            return;
        }

        CheckRead(d);
        if (op is Opcode.Neg or Opcode.End)
        {
            if (Reg(d).IsPointer)
            {
                throw Fail($"R{d} pointer arithmetic with {OpName(op)} operator prohibited: only adding or subtracting a number is allowed on pointers");
            }

            var r = Reg(d);
            if (op == Opcode.Neg)
            {
                ScalarAlu.Apply(ref r, RegState.ConstScalar(0), Opcode.Neg, 0, is64);
            }
            else
            {
                ScalarAlu.ByteSwap(ref r, insn.Imm, swap: is64 || isX);
            }

            r.Id = 0;
            Reg(d) = r;
            return;
        }

        RegState operand;
        if (isX)
        {
            CheckRead(insn.Src);
            operand = Reg(insn.Src);
        }
        else
        {
            operand = RegState.ConstScalar(is64 ? (ulong)(long)insn.Imm : (uint)insn.Imm);
            if (op is Opcode.Div or Opcode.Mod && insn.Imm == 0)
            {
                throw Fail("div by zero: dividing by the constant 0 is rejected; remove the division or use a non-zero divisor");
            }

            if (op is Opcode.Lsh or Opcode.Rsh or Opcode.Arsh && (insn.Imm < 0 || insn.Imm >= (is64 ? 64 : 32)))
            {
                throw Fail($"invalid shift {insn.Imm}: shift by 0-{(is64 ? 63 : 31)} only");
            }
        }

        var dst = Reg(d);
        if (dst.IsPointer || operand.IsPointer)
        {
            MarkPrecise(ScalarOperands(d, isX ? insn.Src : -1));
            Reg(d) = PointerAlu(insn, dst, operand, op, is64);
            return;
        }

        ScalarAlu.Apply(ref dst, operand, op, insn.Offset, is64);
        dst.Id = 0;
        Reg(d) = dst;
    }

    private RegState PointerAlu(Instruction insn, RegState dst, RegState src, byte op, bool is64)
    {
        var d = insn.Dst;
        if (dst.IsPointer && src.IsPointer)
        {
            if (op == Opcode.Sub && !_options.Strict)
            {
                return is64 ? RegState.UnknownScalar() : RegState.UnknownOfSize(4);
            }

            throw Fail($"R{d} pointer {OpName(op)} pointer prohibited: only subtracting two pointers gives a number (privileged), any other combination of pointers is rejected");
        }

        if (!is64)
        {
            // 32-bit operations on pointers give meaningless numbers; root may subtract (data_end - data in 32 bits).
            if (op == Opcode.Sub && !_options.Strict)
            {
                return RegState.UnknownOfSize(4);
            }

            throw Fail($"R{d} 32-bit pointer arithmetic prohibited: use 64-bit arithmetic on pointers");
        }

        var ptrIsDst = dst.IsPointer;
        var ptr = ptrIsDst ? dst : src;
        var off = ptrIsDst ? src : dst;
        var type = StateFormatter.TypeName(ptr.Type);
        switch (ptr.Type)
        {
            case RegType.MapValueOrNull or RegType.MemOrNull:
                throw Fail($"R{d} pointer arithmetic on {type} prohibited, null-check it first: compare the lookup result with NULL before moving the pointer");
            case RegType.ConstPtrToMap or RegType.PacketEnd or RegType.Func:
                throw Fail($"R{d} pointer arithmetic on {type} prohibited: {(ptr.Type == RegType.PacketEnd ? "data_end is only for comparisons" : "this pointer can only be passed to helpers")}");
        }

        if (op is Opcode.And or Opcode.Or or Opcode.Xor)
        {
            throw Fail($"R{d} bitwise operator {OpName(op)} on pointer prohibited: pointers may only be moved by adding or subtracting a number");
        }

        if (op is not (Opcode.Add or Opcode.Sub))
        {
            throw Fail($"R{d} pointer arithmetic with {OpName(op)} operator prohibited: pointers may only be moved by adding or subtracting a number");
        }

        if (op == Opcode.Sub && !ptrIsDst)
        {
            throw Fail($"R{d} tried to subtract pointer from scalar: a number minus a pointer is not an address");
        }

        CheckSaneOffset(off, type);
        var result = ptr;
        if (off.IsConst)
        {
            var v = (long)off.Var.Value;
            result.Off = op == Opcode.Add ? checked((int)(ptr.Off + v)) : checked((int)(ptr.Off - v));
        }
        else
        {
            if (op == Opcode.Sub && ptr.Type == RegType.Stack)
            {
                throw Fail($"R{d} subtraction from stack pointer prohibited: index the stack with constant offsets");
            }

            var varPart = ptr;
            varPart.Type = RegType.Scalar;
            ScalarAlu.Apply(ref varPart, off, op, 0, true);
            result.Var = varPart.Var;
            result.SMin = varPart.SMin;
            result.SMax = varPart.SMax;
            result.UMin = varPart.UMin;
            result.UMax = varPart.UMax;
            result.S32Min = varPart.S32Min;
            result.S32Max = varPart.S32Max;
            result.U32Min = varPart.U32Min;
            result.U32Max = varPart.U32Max;
            if (result.IsPacketLike)
            {
                result.Id = NewId();
                result.Range = 0;
            }
        }

        if (result.Off >= Limits.MaxVarOff || result.Off <= -Limits.MaxVarOff)
        {
            throw Fail($"value {result.Off} makes {type} pointer be out of bounds");
        }

        if (result.SMin <= -Limits.MaxVarOff || result.SMin >= Limits.MaxVarOff)
        {
            throw Fail($"value {result.SMin} makes {type} pointer be out of bounds: bound the offset before adding it");
        }

        return result;
    }

    private void CheckSaneOffset(in RegState off, string type)
    {
        if (off.IsConst)
        {
            var v = (long)off.Var.Value;
            if (v >= Limits.MaxVarOff || v <= -Limits.MaxVarOff)
            {
                throw Fail($"math between {type} pointer and {v} is not allowed: the offset is too large");
            }

            return;
        }

        if (off.SMin == long.MinValue)
        {
            throw Fail($"math between {type} pointer and register with unbounded min value is not allowed: check the offset against bounds (e.g. 'if (off > 64) return') before adding it");
        }

        if (off.SMin >= Limits.MaxVarOff || off.SMin <= -Limits.MaxVarOff)
        {
            throw Fail($"value {off.SMin} makes {type} pointer be out of bounds");
        }
    }
}
