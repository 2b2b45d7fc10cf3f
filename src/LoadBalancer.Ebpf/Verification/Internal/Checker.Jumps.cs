using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Verification.Internal;

internal sealed partial class Checker
{
    /// <summary>Jumps, calls and exit; true when the path ends.</summary>
    private bool Jump(Instruction insn)
    {
        var pc = _cur.Pc;
        var op = Opcode.Operation(insn.Code);
        var is32 = insn.Class == Opcode.ClassJmp32;
        switch (op)
        {
            case Opcode.Ja:
                _cur.Pc = is32 ? pc + 1 + insn.Imm : pc + 1 + insn.Offset;
                return false;
            case Opcode.Exit:
                return Exit();
            case Opcode.Call:
                if (Opcode.Source(insn.Code) == Opcode.SourceX)
                {
                    throw Fail("call by register (callx) is not supported by the verifier: call helpers by their constant id");
                }

                if (insn.Src == (byte)CallKind.Local)
                {
                    LocalCall(insn);
                    return false;
                }

                HelperCall(insn);
                return false;
            default:
                CondJump(insn, op, is32);
                return false;
        }
    }

    private void CondJump(Instruction insn, byte op, bool is32)
    {
        var pc = _cur.Pc;
        var target = pc + 1 + insn.Offset;
        var isX = Opcode.Source(insn.Code) == Opcode.SourceX;
        CheckRead(insn.Dst);
        RegState src;
        if (isX)
        {
            CheckRead(insn.Src);
            src = Reg(insn.Src);
        }
        else
        {
            src = RegState.ConstScalar(is32 ? (uint)insn.Imm : (ulong)(long)insn.Imm);
        }

        var dst = Reg(insn.Dst);
        if (dst.IsPointer || src.IsPointer)
        {
            MarkPrecise(ScalarOperands(insn.Dst, isX ? insn.Src : -1));
            PointerCondJump(insn, op, is32, dst, src, target);
            return;
        }

        var taken = BranchLogic.Taken(dst, src, op, is32);
        var operands = (1 << insn.Dst) | (isX ? 1 << insn.Src : 0);
        if (taken == 1)
        {
            MarkPrecise(operands);
            _cur.Pc = target;
            return;
        }

        if (taken == 0)
        {
            MarkPrecise(operands);
            _cur.Pc = pc + 1;
            return;
        }

        var other = _cur.Clone();
        other.Pc = target;
        var otherOk = RefineScalars(other, insn, op, is32);
        var curOk = RefineScalars(_cur, insn, BranchLogic.Negate(op), is32);
        _cur.Pc = pc + 1;
        if (otherOk && curOk)
        {
            PushBranch(other);
        }
        else
        {
            // Only one side is possible: the branch was decided by these values after all.
            MarkPrecise(operands);
            if (otherOk)
            {
                _cur = other;
            }
        }
    }

    /// <summary>Applies what <c>dst op src</c> teaches to both registers (and their linked copies) in <paramref name="state"/>.</summary>
    private bool RefineScalars(VerifierState state, Instruction insn, byte op, bool is32)
    {
        var frame = state.Frames[state.CurFrame];
        var a = frame.Regs[insn.Dst];
        var isX = Opcode.Source(insn.Code) == Opcode.SourceX;
        var b = isX ? frame.Regs[insn.Src] : RegState.ConstScalar(is32 ? (uint)insn.Imm : (ulong)(long)insn.Imm);
        if (!BranchLogic.Refine(ref a, ref b, op, is32))
        {
            return false;
        }

        if (isX && insn.Src == insn.Dst)
        {
            return true;
        }

        SetLinked(state, insn.Dst, a);
        if (isX)
        {
            SetLinked(state, insn.Src, b);
        }

        return true;
    }

    private static void SetLinked(VerifierState state, int regno, RegState value)
    {
        var frame = state.Frames[state.CurFrame];
        var id = frame.Regs[regno].Id;
        frame.Regs[regno] = value;
        if (id == 0)
        {
            return;
        }

        for (var f = 0; f <= state.CurFrame; f++)
        {
            var fs = state.Frames[f];
            for (var i = 0; i < FuncState.Registers; i++)
            {
                if (fs.Regs[i].Type == RegType.Scalar && fs.Regs[i].Id == id)
                {
                    fs.Regs[i] = value;
                }
            }

            for (var s = 0; s < fs.Stack.Length; s++)
            {
                if (fs.Stack[s].IsSpill && fs.Stack[s].Spilled.Type == RegType.Scalar && fs.Stack[s].Spilled.Id == id)
                {
                    fs.Stack[s].Spilled = value;
                }
            }
        }
    }

    private void PointerCondJump(Instruction insn, byte op, bool is32, RegState dst, RegState src, int target)
    {
        var pc = _cur.Pc;
        var isX = Opcode.Source(insn.Code) == Opcode.SourceX;

        // NULL checks of lookup results: if (p == 0) / if (p != 0).
        if (!is32 && op is Opcode.Jeq or Opcode.Jne)
        {
            var nullableIsDst = dst.Type is RegType.MapValueOrNull or RegType.MemOrNull;
            var nullableIsSrc = src.Type is RegType.MapValueOrNull or RegType.MemOrNull;
            var otherIsZero = nullableIsDst ? src.Type == RegType.Scalar && src.IsConst && src.Var.Value == 0
                : nullableIsSrc && dst.Type == RegType.Scalar && dst.IsConst && dst.Var.Value == 0;
            if ((nullableIsDst || nullableIsSrc) && otherIsZero)
            {
                var id = nullableIsDst ? dst.Id : src.Id;
                var other = _cur.Clone();
                other.Pc = target;
                MarkPtrOrNull(other, id, isNull: op == Opcode.Jeq);
                MarkPtrOrNull(_cur, id, isNull: op == Opcode.Jne);
                _cur.Pc = pc + 1;
                PushBranch(other);
                return;
            }
        }

        // Packet bounds: pkt vs pkt_end, pkt_meta vs pkt.
        if (!is32 && isX && dst.IsPointer && src.IsPointer && op is Opcode.Jgt or Opcode.Jge or Opcode.Jlt or Opcode.Jle)
        {
            if (PacketCompare(dst, src, op, target))
            {
                return;
            }
        }

        // A pointer that cannot be NULL compared with 0 decides the branch.
        if (!is32 && op is Opcode.Jeq or Opcode.Jne)
        {
            var ptr = dst.IsPointer ? dst : src;
            var num = dst.IsPointer ? src : dst;
            if (!num.IsPointer && num.IsConst && num.Var.Value == 0 && ptr.Type is not (RegType.MapValueOrNull or RegType.MemOrNull))
            {
                _cur.Pc = op == Opcode.Jne ? target : pc + 1;
                return;
            }
        }

        if (_options.Strict)
        {
            var which = dst.IsPointer ? insn.Dst : insn.Src;
            throw Fail(dst.IsPointer && src.IsPointer && dst.Type != src.Type
                ? $"R{which} pointer comparison prohibited: comparing a {StateFormatter.TypeName(dst.Type)} pointer with a {StateFormatter.TypeName(src.Type)} pointer reveals addresses (unprivileged)"
                : $"R{which} pointer comparison prohibited: only packet pointers with data_end and NULL checks may be compared (unprivileged)");
        }

        // Privileged: both sides are possible and nothing is learned.
        var branch = _cur.Clone();
        branch.Pc = target;
        _cur.Pc = pc + 1;
        PushBranch(branch);
    }

    private void MarkPtrOrNull(VerifierState state, int id, bool isNull)
    {
        for (var f = 0; f <= state.CurFrame; f++)
        {
            var fs = state.Frames[f];
            for (var i = 0; i < FuncState.Registers; i++)
            {
                MarkOne(ref fs.Regs[i], id, isNull);
            }

            for (var s = 0; s < fs.Stack.Length; s++)
            {
                if (fs.Stack[s].IsSpill)
                {
                    MarkOne(ref fs.Stack[s].Spilled, id, isNull);
                }
            }
        }

        if (isNull)
        {
            // A NULL reservation holds nothing to release.
            state.Refs.RemoveAll(r => r.Id == id);
        }
    }

    private void MarkOne(ref RegState r, int id, bool isNull)
    {
        if (r.Type is not (RegType.MapValueOrNull or RegType.MemOrNull) || r.Id != id)
        {
            return;
        }

        if (isNull)
        {
            r = RegState.ConstScalar(0);
            return;
        }

        if (r.Type == RegType.MemOrNull)
        {
            r.Type = RegType.Mem;
        }
        else if ((uint)r.Aux < (uint)_innerIndex.Length && _innerIndex[r.Aux] >= 0)
        {
            // A lookup in a map of maps gives the inner map.
            r = RegState.Pointer(RegType.ConstPtrToMap, 0, _innerIndex[r.Aux]);
            return;
        }
        else
        {
            r.Type = RegType.MapValue;
        }

        r.Id = 0;
    }

    /// <summary>Learns packet ranges from a comparison of a packet pointer with its limit; false when the operands are not such a pair.</summary>
    private bool PacketCompare(RegState dst, RegState src, byte op, int target)
    {
        var pc = _cur.Pc;
        bool IsPair(RegState p, RegState limit) =>
            (p.Type == RegType.Packet && limit.Type == RegType.PacketEnd) || (p.Type == RegType.PacketMeta && limit.Type == RegType.Packet);

        RegState pkt;
        bool learnOnTaken;
        bool rightOpen;
        if (IsPair(dst, src))
        {
            pkt = dst;
            (learnOnTaken, rightOpen) = op switch
            {
                Opcode.Jgt => (false, false), // pkt > end: fall-through has pkt <= end
                Opcode.Jge => (false, true),  // pkt >= end: fall-through has pkt < end
                Opcode.Jlt => (true, true),   // pkt < end: taken
                _ => (true, false),           // pkt <= end: taken
            };
        }
        else if (IsPair(src, dst))
        {
            pkt = src;
            (learnOnTaken, rightOpen) = op switch
            {
                Opcode.Jgt => (true, true),   // end > pkt: taken has pkt < end
                Opcode.Jge => (true, false),  // end >= pkt
                Opcode.Jlt => (false, false), // end < pkt: fall-through has end >= pkt
                _ => (false, true),           // end <= pkt: fall-through has end > pkt
            };
        }
        else
        {
            return false;
        }

        var other = _cur.Clone();
        other.Pc = target;
        FindGoodPacketPointers(learnOnTaken ? other : _cur, pkt, rightOpen);
        _cur.Pc = pc + 1;
        PushBranch(other);
        return true;
    }

    private static void FindGoodPacketPointers(VerifierState state, in RegState pkt, bool rightOpen)
    {
        if (pkt.Off < 0 || (pkt.Off == 0 && rightOpen))
        {
            return;
        }

        if (pkt.UMax > Limits.MaxPacketOff || pkt.UMax + (ulong)pkt.Off > Limits.MaxPacketOff)
        {
            return;
        }

        // ptr + off < end proves off + 1 bytes (Linux 6.18 measured; older kernels proved off - 1).
        var range = rightOpen ? pkt.Off + 1 : pkt.Off;
        for (var f = 0; f <= state.CurFrame; f++)
        {
            var fs = state.Frames[f];
            for (var i = 0; i < FuncState.Registers; i++)
            {
                if (fs.Regs[i].Type == pkt.Type && fs.Regs[i].Id == pkt.Id)
                {
                    fs.Regs[i].Range = Math.Max(fs.Regs[i].Range, range);
                }
            }

            for (var s = 0; s < fs.Stack.Length; s++)
            {
                ref var sp = ref fs.Stack[s].Spilled;
                if (fs.Stack[s].IsSpill && sp.Type == pkt.Type && sp.Id == pkt.Id)
                {
                    sp.Range = Math.Max(sp.Range, range);
                }
            }
        }
    }
}
