using System.Reflection.Emit;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Jit.Internal;

/// <summary>Loads, stores, atomics and legacy packet loads.</summary>
internal sealed partial class FunctionEmitter
{
    /// <summary>
    /// True when the access needs no check: marked proven by the caller (the verifier), or r10 plus a
    /// constant offset inside the current frame (r10 is never written and frames lie inside the stack).
    /// </summary>
    private bool IsSafe(int pc, byte baseReg, short offset, int size) =>
        _plan.IsUnchecked(pc) ||
        (baseReg == 10 && offset >= -RunContext.StackFrameSize && offset <= -size);

    private void EmitAddress(byte baseReg, short offset)
    {
        LoadReg(baseReg);
        if (offset != 0)
        {
            EmitI8((long)offset);
            _il.Emit(OpCodes.Add);
        }
    }

    /// <summary>Branches to <paramref name="miss"/> unless the address is within the cached region's limit (any size fits).</summary>
    private void EmitCacheCheck(LocalBuilder start, LocalBuilder limit, Label miss)
    {
        _il.Emit(OpCodes.Ldloc, _address);
        _il.Emit(OpCodes.Ldloc, start);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Ldloc, limit);
        _il.Emit(OpCodes.Bge_Un, miss);
    }

    /// <summary>Calls a miss handler (address, [value,] packed fault, exact count); returns 0 from the function when it faulted.</summary>
    private void EmitMiss(string handler, int pc, int size, bool write, Action? pushValue = null)
    {
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldarg_1);
        _il.Emit(OpCodes.Ldloc, _address);
        pushValue?.Invoke();
        EmitI4(JitRuntime.Pack(pc, RunStatus.MemoryFault, size, write));
        LoadExact(pc);
        _il.Emit(OpCodes.Call, Runtime(handler));
        _il.Emit(OpCodes.Brfalse, _returnZero);
    }

    private void EmitLoad(int pc, Instruction ins)
    {
        var size = Opcode.SizeInBytes(Opcode.Size(ins.Code));
        var signed = Opcode.Mode(ins.Code) == Opcode.ModeMemSx;
        if (IsSafe(pc, ins.Src, ins.Offset, size))
        {
            EmitAddress(ins.Src, ins.Offset);
            EmitRead(size, signed);
            StoreReg(ins.Dst);
            return;
        }

        var done = _il.DefineLabel();
        if (_plan.IsContextField(pc) && TryEmitContextLoad(pc, ins, size, signed, done))
        {
            return;
        }

        EmitAddress(ins.Src, ins.Offset);
        _il.Emit(OpCodes.Stloc, _address);
        var miss = Cold(() =>
        {
            EmitMiss(nameof(JitRuntime.LoadMiss), pc, size, false);
            ReloadReadCache();
            LoadState(nameof(JitState.Value));
            if (signed)
            {
                _il.Emit(size switch { 1 => OpCodes.Conv_I1, 2 => OpCodes.Conv_I2, _ => OpCodes.Conv_I4 });
                _il.Emit(OpCodes.Conv_I8);
            }

            StoreReg(ins.Dst);
            _il.Emit(OpCodes.Br, done);
        });
        EmitCacheCheck(_readStart, _readLimit, miss);
        _il.Emit(OpCodes.Ldloc, _address);
        EmitRead(size, signed);
        StoreReg(ins.Dst);
        _il.MarkLabel(done);
    }

    /// <summary>
    /// A load the verifier proved to read a context field through the unmodified ctx pointer: translated
    /// now (user offset to native field, shift and mask for narrow loads) into a plain load of the native
    /// struct; when the run's context does not hold the whole native struct, the checked path runs instead.
    /// </summary>
    private bool TryEmitContextLoad(int pc, Instruction ins, int size, bool signed, Label done)
    {
        if (signed || !_program.ContextLayout!.TryResolve(ins.Offset, size, false, out var nativeOffset, out var nativeSize, out var shift, out var mask))
        {
            return false;
        }

        _plan.TranslatesContext = true;
        var slow = Cold(() =>
        {
            EmitAddress(ins.Src, ins.Offset);
            _il.Emit(OpCodes.Stloc, _address);
            EmitMiss(nameof(JitRuntime.LoadMiss), pc, size, false);
            ReloadReadCache();
            LoadState(nameof(JitState.Value));
            StoreReg(ins.Dst);
            _il.Emit(OpCodes.Br, done);
        });
        LoadState(nameof(JitState.ContextReady));
        _il.Emit(OpCodes.Brfalse, slow);
        LoadReg(ins.Src);
        if (nativeOffset != 0)
        {
            EmitI8(nativeOffset);
            _il.Emit(OpCodes.Add);
        }

        EmitRead(nativeSize, false);
        if (shift != 0)
        {
            EmitI4(shift);
            _il.Emit(OpCodes.Shr_Un);
        }

        if (mask != ulong.MaxValue)
        {
            EmitI8((long)mask);
            _il.Emit(OpCodes.And);
        }

        StoreReg(ins.Dst);
        _il.MarkLabel(done);
        return true;
    }

    /// <summary>Reads size bytes at the address on the stack, extended to 64 bits.</summary>
    private void EmitRead(int size, bool signed)
    {
        _il.Emit(OpCodes.Conv_U);
        if (size > 1)
        {
            _il.Emit(OpCodes.Unaligned, (byte)1);
        }

        switch (size)
        {
            case 1:
                _il.Emit(signed ? OpCodes.Ldind_I1 : OpCodes.Ldind_U1);
                break;
            case 2:
                _il.Emit(signed ? OpCodes.Ldind_I2 : OpCodes.Ldind_U2);
                break;
            case 4:
                _il.Emit(signed ? OpCodes.Ldind_I4 : OpCodes.Ldind_U4);
                break;
            default:
                _il.Emit(OpCodes.Ldind_I8);
                return;
        }

        _il.Emit(signed ? OpCodes.Conv_I8 : OpCodes.Conv_U8);
    }

    private void EmitStore(int pc, Instruction ins, bool fromRegister)
    {
        var size = Opcode.SizeInBytes(Opcode.Size(ins.Code));
        if (IsSafe(pc, ins.Dst, ins.Offset, size))
        {
            EmitAddress(ins.Dst, ins.Offset);
            _il.Emit(OpCodes.Conv_U);
            EmitWrite(ins, fromRegister, size);
            return;
        }

        EmitAddress(ins.Dst, ins.Offset);
        _il.Emit(OpCodes.Stloc, _address);
        var done = _il.DefineLabel();
        var miss = Cold(() =>
        {
            EmitMiss(nameof(JitRuntime.StoreMiss), pc, size, true, () =>
            {
                if (fromRegister)
                {
                    LoadReg(ins.Src);
                }
                else
                {
                    EmitI8(ins.Imm);
                }
            });
            ReloadWriteCache();
            _il.Emit(OpCodes.Br, done);
        });
        EmitCacheCheck(_writeStart, _writeLimit, miss);
        _il.Emit(OpCodes.Ldloc, _address);
        _il.Emit(OpCodes.Conv_U);
        EmitWrite(ins, fromRegister, size);
        _il.MarkLabel(done);
    }

    /// <summary>Stores the instruction's value (register or immediate) at the pointer on the stack.</summary>
    private void EmitWrite(Instruction ins, bool fromRegister, int size)
    {
        if (fromRegister)
        {
            LoadReg(ins.Src);
            if (size < 8)
            {
                _il.Emit(OpCodes.Conv_U4);
            }
        }
        else if (size < 8)
        {
            EmitI4(ins.Imm);
        }
        else
        {
            EmitI8((long)ins.Imm);
        }

        if (size > 1)
        {
            _il.Emit(OpCodes.Unaligned, (byte)1);
        }

        _il.Emit(size switch
        {
            1 => OpCodes.Stind_I1,
            2 => OpCodes.Stind_I2,
            4 => OpCodes.Stind_I4,
            _ => OpCodes.Stind_I8,
        });
    }

    private void EmitAtomic(int pc, Instruction ins)
    {
        var size = Opcode.SizeInBytes(Opcode.Size(ins.Code));
        EmitAddress(ins.Dst, ins.Offset);
        _il.Emit(OpCodes.Stloc, _address);
        if (IsSafe(pc, ins.Dst, ins.Offset, size))
        {
            // r10 is 64-byte aligned, so a stack atomic's alignment is known here; a proven access is aligned.
            var proven = _plan.IsUnchecked(pc);
            if (!proven && (ins.Offset & (size - 1)) != 0)
            {
                EmitEnd(RunStatus.MisalignedAtomic, pc, true, size, true);
                return;
            }
        }
        else
        {
            var ok = _il.DefineLabel();
            var miss = Cold(() =>
            {
                EmitMiss(nameof(JitRuntime.AtomicMiss), pc, size, true);
                ReloadWriteCache();
                _il.Emit(OpCodes.Br, ok);
            });
            EmitCacheCheck(_writeStart, _writeLimit, miss);
            _il.MarkLabel(ok);
            _il.Emit(OpCodes.Ldloc, _address);
            EmitI8((long)(size - 1));
            _il.Emit(OpCodes.And);
            _il.Emit(OpCodes.Brtrue, Cold(() => EmitEnd(RunStatus.MisalignedAtomic, pc, true, size, true)));
        }

        _il.Emit(OpCodes.Ldloc, _address);
        EmitI4(ins.Imm);
        LoadReg(ins.Src);
        LoadReg(0);
        _il.Emit(OpCodes.Call, Ops(size == 8 ? nameof(JitOps.Atomic64) : nameof(JitOps.Atomic32)));
        if (ins.Imm == Opcode.AtomicCmpXchg)
        {
            StoreReg(0);
        }
        else if ((ins.Imm & Opcode.AtomicFetch) != 0)
        {
            StoreReg(ins.Src);
        }
        else
        {
            _il.Emit(OpCodes.Pop);
        }
    }

    private void EmitPacketLoad(int pc, Instruction ins)
    {
        var size = Opcode.SizeInBytes(Opcode.Size(ins.Code));
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldarg_1);
        EmitI4(ins.Imm);
        if (Opcode.Mode(ins.Code) == Opcode.ModeInd)
        {
            LoadReg(ins.Src);
            _il.Emit(OpCodes.Conv_U4);
            _il.Emit(OpCodes.Add);
        }

        EmitI4(size);
        EmitI4(pc);
        LoadExact(pc);
        _il.Emit(OpCodes.Call, Runtime(nameof(JitRuntime.LoadPacket)));
        StoreReg(0);
        LoadState(nameof(JitState.Done));
        _il.Emit(OpCodes.Brtrue, _returnZero);
    }
}
