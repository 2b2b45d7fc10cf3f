using System.Reflection.Emit;
using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Jit.Internal;

/// <summary>ALU and jump instructions.</summary>
internal sealed partial class FunctionEmitter
{
    private void EmitAlu(Instruction ins, bool is64)
    {
        var op = Opcode.Operation(ins.Code);
        var isReg = Opcode.Source(ins.Code) == Opcode.SourceX;
        var dst = ins.Dst;
        switch (op)
        {
            case Opcode.Mov:
                EmitMov(ins, is64, isReg);
                return;
            case Opcode.Neg:
                LoadReg(dst);
                if (!is64)
                {
                    _il.Emit(OpCodes.Conv_U4);
                }

                _il.Emit(OpCodes.Neg);
                break;
            case Opcode.End:
                EmitByteSwap(ins, is64, isReg);
                return;
            case Opcode.Div:
            case Opcode.Mod:
                EmitDivMod(ins, is64, isReg, op == Opcode.Mod);
                return;
            case Opcode.Lsh:
            case Opcode.Rsh:
            case Opcode.Arsh:
                LoadReg(dst);
                if (!is64)
                {
                    _il.Emit(OpCodes.Conv_U4);
                }

                var mask = is64 ? 63 : 31;
                if (isReg)
                {
                    LoadReg(ins.Src);
                    _il.Emit(OpCodes.Conv_I4);
                    EmitI4(mask);
                    _il.Emit(OpCodes.And);
                }
                else
                {
                    EmitI4(ins.Imm & mask);
                }

                _il.Emit(op == Opcode.Lsh ? OpCodes.Shl : op == Opcode.Rsh ? OpCodes.Shr_Un : OpCodes.Shr);
                break;
            default:
                LoadReg(dst);
                if (is64)
                {
                    LoadOperand64(ins, isReg);
                }
                else
                {
                    _il.Emit(OpCodes.Conv_U4);
                    LoadOperand32(ins, isReg);
                }

                _il.Emit(op switch
                {
                    Opcode.Add => OpCodes.Add,
                    Opcode.Sub => OpCodes.Sub,
                    Opcode.Mul => OpCodes.Mul,
                    Opcode.Or => OpCodes.Or,
                    Opcode.And => OpCodes.And,
                    _ => OpCodes.Xor,
                });
                break;
        }

        if (!is64)
        {
            _il.Emit(OpCodes.Conv_U8);
        }

        StoreReg(dst);
    }

    private void LoadOperand64(Instruction ins, bool isReg)
    {
        if (isReg)
        {
            LoadReg(ins.Src);
        }
        else
        {
            EmitI8((long)ins.Imm);
        }
    }

    private void LoadOperand32(Instruction ins, bool isReg)
    {
        if (isReg)
        {
            LoadReg(ins.Src);
            _il.Emit(OpCodes.Conv_U4);
        }
        else
        {
            EmitI4(ins.Imm);
        }
    }

    private void EmitMov(Instruction ins, bool is64, bool isReg)
    {
        if (!isReg)
        {
            EmitI8(is64 ? (long)ins.Imm : (long)(uint)ins.Imm);
            StoreReg(ins.Dst);
            return;
        }

        LoadReg(ins.Src);
        switch (ins.Offset)
        {
            case 8:
                _il.Emit(OpCodes.Conv_I1);
                _il.Emit(is64 ? OpCodes.Conv_I8 : OpCodes.Conv_U8);
                break;
            case 16:
                _il.Emit(OpCodes.Conv_I2);
                _il.Emit(is64 ? OpCodes.Conv_I8 : OpCodes.Conv_U8);
                break;
            case 32 when is64:
                _il.Emit(OpCodes.Conv_I4);
                _il.Emit(OpCodes.Conv_I8);
                break;
            default:
                if (!is64)
                {
                    _il.Emit(OpCodes.Conv_U4);
                    _il.Emit(OpCodes.Conv_U8);
                }

                break;
        }

        StoreReg(ins.Dst);
    }

    private void EmitByteSwap(Instruction ins, bool is64, bool isReg)
    {
        LoadReg(ins.Dst);
        var swap = is64 || isReg; // bswap (ALU64) or to-big-endian on this little-endian host
        switch (ins.Imm)
        {
            case 16:
                _il.Emit(OpCodes.Conv_U2);
                if (swap)
                {
                    _il.Emit(OpCodes.Call, ReverseEndianness(typeof(ushort)));
                }

                _il.Emit(OpCodes.Conv_U8);
                break;
            case 32:
                _il.Emit(OpCodes.Conv_U4);
                if (swap)
                {
                    _il.Emit(OpCodes.Call, ReverseEndianness(typeof(uint)));
                }

                _il.Emit(OpCodes.Conv_U8);
                break;
            default:
                if (swap)
                {
                    _il.Emit(OpCodes.Call, ReverseEndianness(typeof(ulong)));
                }

                break;
        }

        StoreReg(ins.Dst);
    }

    private void EmitDivMod(Instruction ins, bool is64, bool isReg, bool mod)
    {
        var signed = ins.Offset == 1;
        var dst = ins.Dst;
        if (isReg)
        {
            LoadReg(dst);
            LoadReg(ins.Src);
            var name = (signed ? "S" : string.Empty) + (mod ? "Mod" : "Div") + (is64 ? "64" : "32");
            _il.Emit(OpCodes.Call, Ops(name));
            StoreReg(dst);
            return;
        }

        // Constant divisor: the zero and -1 cases are decided here; the rest is a plain division the
        // .NET JIT turns into a multiplication.
        long divisor = is64 ? ins.Imm : signed ? ins.Imm : (uint)ins.Imm;
        if (divisor == 0)
        {
            if (!mod)
            {
                EmitI8(0L);
                StoreReg(dst);
            }
            else if (!is64)
            {
                LoadReg(dst);
                _il.Emit(OpCodes.Conv_U4);
                _il.Emit(OpCodes.Conv_U8);
                StoreReg(dst);
            }

            return;
        }

        if (signed && divisor == -1)
        {
            if (mod)
            {
                EmitI8(0L);
            }
            else
            {
                LoadReg(dst);
                if (!is64)
                {
                    _il.Emit(OpCodes.Conv_I4);
                }

                _il.Emit(OpCodes.Neg);
                if (!is64)
                {
                    _il.Emit(OpCodes.Conv_U8);
                }
            }

            StoreReg(dst);
            return;
        }

        LoadReg(dst);
        if (is64)
        {
            EmitI8(divisor);
        }
        else
        {
            _il.Emit(OpCodes.Conv_U4);
            EmitI4((int)divisor);
        }

        _il.Emit(signed ? (mod ? OpCodes.Rem : OpCodes.Div) : (mod ? OpCodes.Rem_Un : OpCodes.Div_Un));
        if (!is64)
        {
            _il.Emit(OpCodes.Conv_U8);
        }

        StoreReg(dst);
    }

    private void EmitJump(int pc, Instruction ins)
    {
        var is32 = Opcode.Class(ins.Code) == Opcode.ClassJmp32;
        var op = Opcode.Operation(ins.Code);
        switch (op)
        {
            case Opcode.Ja:
                _il.Emit(OpCodes.Br, Target(pc + 1 + (is32 ? ins.Imm : ins.Offset)));
                return;
            case Opcode.Call:
                EmitCall(pc, ins);
                return;
            case Opcode.Exit:
                EmitExit(pc);
                return;
        }

        var isReg = Opcode.Source(ins.Code) == Opcode.SourceX;
        var target = Target(pc + 1 + ins.Offset);
        LoadReg(ins.Dst);
        if (is32)
        {
            _il.Emit(OpCodes.Conv_U4);
            LoadOperand32(ins, isReg);
        }
        else
        {
            LoadOperand64(ins, isReg);
        }

        switch (op)
        {
            case Opcode.Jset:
                _il.Emit(OpCodes.And);
                _il.Emit(OpCodes.Brtrue, target);
                return;
            default:
                _il.Emit(
                    op switch
                    {
                        Opcode.Jeq => OpCodes.Beq,
                        Opcode.Jne => OpCodes.Bne_Un,
                        Opcode.Jgt => OpCodes.Bgt_Un,
                        Opcode.Jge => OpCodes.Bge_Un,
                        Opcode.Jlt => OpCodes.Blt_Un,
                        Opcode.Jle => OpCodes.Ble_Un,
                        Opcode.Jsgt => OpCodes.Bgt,
                        Opcode.Jsge => OpCodes.Bge,
                        Opcode.Jslt => OpCodes.Blt,
                        _ => OpCodes.Ble,
                    },
                    target);
                return;
        }
    }
}
