using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Verification.Internal;

internal sealed partial class Checker
{
    /// <summary>Processes the instruction at the current PC; true when the path ends (exit of the main function).</summary>
    private bool Step()
    {
        var pc = _cur.Pc;
        var insn = _insns[pc];
        switch (insn.Class)
        {
            case Opcode.ClassAlu:
            case Opcode.ClassAlu64:
                Alu(insn);
                _cur.RegWritten[_cur.CurFrame] |= (ushort)(1 << insn.Dst);
                _cur.Pc = pc + 1;
                return false;
            case Opcode.ClassLdx:
                Load(insn);
                _cur.RegWritten[_cur.CurFrame] |= (ushort)(1 << insn.Dst);
                _cur.Pc = pc + 1;
                return false;
            case Opcode.ClassSt:
            case Opcode.ClassStx:
                if (Opcode.Mode(insn.Code) == Opcode.ModeAtomic)
                {
                    Atomic(insn);
                }
                else
                {
                    Store(insn);
                }

                _cur.Pc = pc + 1;
                return false;
            case Opcode.ClassLd:
                if (insn.Code == Opcode.Lddw)
                {
                    Lddw(insn, _insns[pc + 1]);
                    _cur.RegWritten[_cur.CurFrame] |= (ushort)(1 << insn.Dst);
                    _cur.Pc = pc + 2;
                    return false;
                }

                throw Fail("BPF_LD_[ABS|IND] instructions not allowed for this program type: legacy packet loads only work in socket filters; read the packet through ctx->data instead");
            default:
                return Jump(insn);
        }
    }

    private void CheckRead(int regno)
    {
        MarkRegRead(_cur.CurFrame, regno);
        if (Reg(regno).Type == RegType.NotInit)
        {
            throw Fail(regno == 0 && _insns[_cur.Pc].Code == (Opcode.ClassJmp | Opcode.Exit)
                ? "R0 !read_ok: r0 is not set at exit; return a value (an XDP action) on every path"
                : $"R{regno} !read_ok: R{regno} is read before it is written (uninitialised register); assign it on every path that reaches here");
        }
    }

    private void Lddw(Instruction insn, Instruction next)
    {
        ref var dst = ref Reg(insn.Dst);
        switch ((LddwSource)insn.Src)
        {
            case LddwSource.Imm64:
                dst = RegState.ConstScalar(Instruction.LddwValue(insn, next));
                break;
            case LddwSource.MapIndex:
                RequireMap(insn.Imm);
                dst = RegState.Pointer(RegType.ConstPtrToMap, 0, insn.Imm);
                break;
            case LddwSource.MapIndexValue:
                {
                    var map = RequireMap(insn.Imm);
                    var off = next.Imm;
                    if (off < 0 || (uint)off >= map.ValueSize)
                    {
                        throw Fail($"invalid access to map value pointer, value_size={map.ValueSize} off={off}: the global or map value offset is outside the value");
                    }

                    if (map.Type != MapType.Array)
                    {
                        throw Fail($"map '{map.Name}' of type {map.Type} has no direct value access: only array maps (globals) can be addressed with a value offset");
                    }

                    dst = RegState.Pointer(RegType.MapValue, off, insn.Imm);
                    break;
                }

            case LddwSource.Function:
                dst = RegState.Pointer(RegType.Func, 0, _cur.Pc + 1 + insn.Imm);
                break;
            default:
                throw Fail($"lddw with source {(LddwSource)insn.Src} is not supported: maps must be referenced by index (the object loader does this); BTF ids are not supported");
        }
    }

    private MapDefinition RequireMap(int index)
    {
        if ((uint)index >= (uint)_maps.Count)
        {
            throw Fail($"fd {index} is not pointing to valid bpf_map: the program refers to map index {index} but {_maps.Count} map(s) were given");
        }

        return _maps[index];
    }
}
