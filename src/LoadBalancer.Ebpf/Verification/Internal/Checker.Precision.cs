using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>
/// Precision tracking (the kernel's mark_chain_precision): a scalar whose value decides safety (a branch
/// the verifier resolved, a pointer offset, a helper argument, a callback's return value) is followed
/// back through the instructions of the path to the registers and stack slots it came from, and those
/// are marked precise in every stored state on the way. Pruning compares only precise scalars; the
/// others match any scalar. Where backtracking cannot follow a value (calls, narrow or variable stack
/// accesses) every scalar of the stored states above becomes precise, which is always sound.
/// </summary>
internal sealed partial class Checker
{
    private const int CallerSavedMask = 0b11_1111;

    /// <summary>
    /// Marks registers <paramref name="regs"/> and stack slots <paramref name="slots"/> of the current frame
    /// precise as of the current instruction (processed instructions are followed back from the one before it).
    /// </summary>
    private void MarkPrecise(int regs, ulong slots = 0) => Backtrack(regs, slots, skipCurrent: true);

    /// <summary>The registers among <paramref name="a"/> and <paramref name="b"/> (-1 for none) that hold scalars now.</summary>
    private int ScalarOperands(int a, int b)
    {
        var mask = Reg(a).Type == RegType.Scalar ? 1 << a : 0;
        return b >= 0 && Reg(b).Type == RegType.Scalar ? mask | (1 << b) : mask;
    }

    /// <summary>A pruned path continues as <paramref name="explored"/> did: what was precise there is precise on this path.</summary>
    private void PropagatePrecision(ExploredState explored)
    {
        if (explored.AllPrecise)
        {
            GiveUp(_cur.Parent);
            return;
        }

        for (var f = 0; f < _cur.CurFrame; f++)
        {
            if (explored.RegPrecise[f] != 0 || explored.SlotPrecise[f] != 0)
            {
                GiveUp(_cur.Parent);
                return;
            }
        }

        Backtrack(explored.RegPrecise[_cur.CurFrame], explored.SlotPrecise[_cur.CurFrame], skipCurrent: false);
    }

    private void Backtrack(int regs, ulong slots, bool skipCurrent)
    {
        var frame = _cur.CurFrame;
        ReadOnlySpan<HistoryEntry> history = CollectionsMarshal.AsSpan(_cur.History);
        var i = history.Length - (skipCurrent ? 2 : 1);
        var parent = _cur.Parent;
        while (true)
        {
            for (; i >= 0; i--)
            {
                if (regs == 0 && slots == 0)
                {
                    return;
                }

                var h = history[i];
                if (h.Frame != frame || !BacktrackInstruction(h, ref regs, ref slots))
                {
                    GiveUp(parent);
                    return;
                }
            }

            if ((regs == 0 && slots == 0) || parent is null)
            {
                return;
            }

            if (parent.AllPrecise)
            {
                return;
            }

            if (parent.State.CurFrame != frame)
            {
                GiveUp(parent);
                return;
            }

            if ((regs & ~parent.RegPrecise[frame]) == 0 && (slots & ~parent.SlotPrecise[frame]) == 0)
            {
                // Already precise here, so already followed further up.
                return;
            }

            parent.RegPrecise[frame] |= (ushort)regs;
            parent.SlotPrecise[frame] |= slots;
            history = parent.History;
            i = history.Length - 1;
            parent = parent.Parent;
        }
    }

    /// <summary>Every scalar of <paramref name="from"/> and the states above it becomes precise.</summary>
    private static void GiveUp(ExploredState? from)
    {
        for (var p = from; p is not null && !p.AllPrecise; p = p.Parent)
        {
            p.AllPrecise = true;
        }
    }

    /// <summary>
    /// Turns "needed after the instruction" into "needed before it"; false when the value cannot be
    /// followed (the caller then gives up).
    /// </summary>
    private bool BacktrackInstruction(HistoryEntry h, ref int regs, ref ulong slots)
    {
        var insn = _insns[h.Pc];
        var dst = 1 << insn.Dst;
        var src = 1 << insn.Src;
        var isX = Opcode.Source(insn.Code) == Opcode.SourceX;
        switch (insn.Class)
        {
            case Opcode.ClassAlu:
            case Opcode.ClassAlu64:
                if ((regs & dst) == 0)
                {
                    return true;
                }

                var op = Opcode.Operation(insn.Code);
                if (op == Opcode.Mov)
                {
                    regs &= ~dst;
                    if (isX)
                    {
                        regs |= src;
                    }
                }
                else if (isX && op is not (Opcode.Neg or Opcode.End))
                {
                    regs |= src;
                }

                return true;
            case Opcode.ClassLd:
                regs &= ~dst;
                return true;
            case Opcode.ClassLdx:
                if ((regs & dst) == 0)
                {
                    return true;
                }

                regs &= ~dst;
                if (h.Slot >= 0)
                {
                    slots |= 1UL << h.Slot;
                    return true;
                }

                return h.Slot != -2;
            case Opcode.ClassSt:
            case Opcode.ClassStx:
                if (Opcode.Mode(insn.Code) == Opcode.ModeAtomic)
                {
                    // The fetch forms load into src (r0 for cmpxchg); on the stack they change a slot.
                    var fetched = (insn.Imm & Opcode.AtomicFetch) != 0 && (regs & (src | 1)) != 0;
                    return !fetched && (h.Slot == -1 || slots == 0);
                }

                if (h.Slot == -2)
                {
                    return slots == 0;
                }

                if (h.Slot >= 0 && (slots & (1UL << h.Slot)) != 0)
                {
                    // A narrower store leaves other bytes of the slot to earlier stores: then the slot stays needed.
                    if (h.Whole)
                    {
                        slots &= ~(1UL << h.Slot);
                    }

                    if (insn.Class == Opcode.ClassStx)
                    {
                        regs |= src;
                    }
                }

                return true;
            default:
                var jop = Opcode.Operation(insn.Code);
                if (jop == Opcode.Call)
                {
                    if (insn.Src != (byte)CallKind.Helper || HelperPrototypes.Find(insn.Imm) is { CallbackArg: >= 0 })
                    {
                        return false;
                    }

                    regs &= ~CallerSavedMask;
                    return true;
                }

                if (jop == Opcode.Exit)
                {
                    return false;
                }

                if (jop != Opcode.Ja && isX && (regs & (dst | src)) != 0)
                {
                    regs |= dst | src;
                }

                return true;
        }
    }
}
