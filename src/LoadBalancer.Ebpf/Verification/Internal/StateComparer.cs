namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>
/// Whether a stored state covers the current one at the same instruction (the kernel's states_equal):
/// every live register and stack slot of the old state allows at least what the current one holds,
/// so the old state's successful exploration also proves the current path safe. With
/// <c>exact</c>, the live parts must be identical (infinite-loop detection).
/// </summary>
internal static class StateComparer
{
    [ThreadStatic]
    private static IdMap? _ids;

    /// <summary>A hash of what exact equality compares (live registers without ids, stack contents), to skip most exact comparisons.</summary>
    public static int Hash(VerifierState state, int pc, ProgramShape shape)
    {
        var h = new HashCode();
        h.Add(state.CurFrame);
        for (var f = 0; f <= state.CurFrame; f++)
        {
            var fs = state.Frames[f];
            h.Add(fs.CallSite);
            int live = f == state.CurFrame ? shape.LiveIn[pc] : CalleeSavedLive(shape, state.Frames[f + 1].CallSite);
            for (var i = 0; i < FuncState.Registers; i++)
            {
                if ((live & (1 << i)) != 0)
                {
                    ref var r = ref fs.Regs[i];
                    h.Add(r.Type);
                    h.Add(r.Off);
                    h.Add(r.Var);
                    h.Add(r.UMin);
                    h.Add(r.UMax);
                    h.Add(r.SMin);
                    h.Add(r.SMax);
                }
            }

            for (var s = 0; s < fs.Stack.Length; s++)
            {
                var slot = fs.Stack[s];
                if (slot.AllInvalid)
                {
                    continue;
                }

                h.Add(s);
                for (var i = 0; i < 8; i++)
                {
                    h.Add(slot.Kinds[i]);
                }

                if (slot.Kinds[0] == SlotKind.Spill)
                {
                    h.Add(slot.Spilled.Type);
                    h.Add(slot.Spilled.Var);
                    h.Add(slot.Spilled.UMax);
                }
            }
        }

        return h.ToHashCode();
    }

    public static bool Equal(VerifierState old, VerifierState cur, int pc, ProgramShape shape, VerifierOptions options, bool exact, ushort[]? regRead = null, ulong[]? slotRead = null, ExploredState? precision = null)
    {
        if (old.CurFrame != cur.CurFrame || old.Refs.Count != cur.Refs.Count)
        {
            return false;
        }

        var ids = _ids ??= new IdMap();
        ids.Clear();
        for (var f = 0; f <= old.CurFrame; f++)
        {
            var of = old.Frames[f];
            var cf = cur.Frames[f];
            if (of.CallSite != cf.CallSite || of.CallbackOf != cf.CallbackOf || !ReferenceEquals(of.CallbackEntryStacks, cf.CallbackEntryStacks))
            {
                return false;
            }

            int live = f == old.CurFrame ? shape.LiveIn[pc] : CalleeSavedLive(shape, old.Frames[f + 1].CallSite);
            if (regRead is not null)
            {
                live &= regRead[f];
            }

            for (var i = 0; i < FuncState.Registers; i++)
            {
                if ((live & (1 << i)) == 0)
                {
                    continue;
                }

                if (precision is { AllPrecise: false } && (precision.RegPrecise[f] & (1 << i)) == 0 && IsImprecise(of.Regs[i], cf.Regs[i]))
                {
                    // No safety decision below used this number: any number will do (the kernel's mark_precise).
                    continue;
                }

                if (!RegSafe(of.Regs[i], cf.Regs[i], ids, exact))
                {
                    return false;
                }
            }

            var impreciseSlots = precision is { AllPrecise: false } ? ~precision.SlotPrecise[f] : 0UL;
            if (!StackSafe(of, cf, ids, options, exact, slotRead?[f] ?? ulong.MaxValue, impreciseSlots))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="old"/> describes every value <paramref name="cur"/> may hold (ids compared alone).</summary>
    public static bool Covers(in RegState old, in RegState cur)
    {
        var ids = new IdMap();
        return RegSafe(old, cur, ids, exact: false);
    }

    private static int CalleeSavedLive(ProgramShape shape, int callSite)
    {
        var next = callSite + 1;
        return next < shape.LiveIn.Length ? shape.LiveIn[next] & 0b111_1100_0000 : 0b111_1100_0000;
    }

    private static bool RegSafe(in RegState old, in RegState cur, IdMap ids, bool exact)
    {
        if (exact)
        {
            return old.Type == cur.Type && old.Off == cur.Off && old.Range == cur.Range && old.Aux == cur.Aux &&
                old.Var == cur.Var && old.SMin == cur.SMin && old.SMax == cur.SMax && old.UMin == cur.UMin && old.UMax == cur.UMax &&
                old.S32Min == cur.S32Min && old.S32Max == cur.S32Max && old.U32Min == cur.U32Min && old.U32Max == cur.U32Max &&
                ids.Check(old.Id, cur.Id) && ids.Check(old.RefObjId, cur.RefObjId);
        }

        if (old.Type == RegType.NotInit)
        {
            return true;
        }

        if (old.Type != cur.Type)
        {
            return false;
        }

        switch (old.Type)
        {
            case RegType.Scalar:
                if (old.Id != 0 && !ids.Check(old.Id, cur.Id == 0 ? ids.FreshId() : cur.Id))
                {
                    // Registers linked in the old state (bounds learned on one apply to the others) must be linked alike.
                    return false;
                }

                return old.RangeWithin(cur);
            case RegType.Packet:
            case RegType.PacketMeta:
                return old.Off == cur.Off && old.Range <= cur.Range && old.RangeWithin(cur) && ids.Check(old.Id, cur.Id);
            case RegType.MapValueOrNull:
            case RegType.MemOrNull:
                return old.Off == cur.Off && old.Aux == cur.Aux && old.RangeWithin(cur) && ids.Check(old.Id, cur.Id) && ids.Check(old.RefObjId, cur.RefObjId);
            default:
                return old.Off == cur.Off && old.Aux == cur.Aux && old.RangeWithin(cur) && ids.Check(old.RefObjId, cur.RefObjId);
        }
    }

    /// <summary>An unlinked scalar in the old state and a scalar in the current one.</summary>
    private static bool IsImprecise(in RegState old, in RegState cur) =>
        old.Type == RegType.Scalar && old.Id == 0 && cur.Type == RegType.Scalar;

    private static bool StackSafe(FuncState old, FuncState cur, IdMap ids, VerifierOptions options, bool exact, ulong slotsRead, ulong impreciseSlots)
    {
        var n = Math.Max(old.Stack.Length, cur.Stack.Length);
        for (var s = 0; s < n; s++)
        {
            if (s < 64 && (slotsRead & (1UL << s)) == 0)
            {
                continue;
            }

            var os = old.SlotAt(s);
            var cs = cur.SlotAt(s);
            if (!exact && s < 64 && (impreciseSlots & (1UL << s)) != 0 && os.IsSpill && cs.IsSpill && IsImprecise(os.Spilled, cs.Spilled))
            {
                continue;
            }
            if (exact)
            {
                for (var i = 0; i < 8; i++)
                {
                    if (os.Kinds[i] != cs.Kinds[i])
                    {
                        return false;
                    }
                }

                if (os.Kinds[0] == SlotKind.Spill && !RegSafe(os.Spilled, cs.Spilled, ids, exact: true))
                {
                    return false;
                }

                continue;
            }

            // A spilled number about which nothing is known says no more than unknown bytes.
            var oldUnknownSpill = os.Kinds[0] == SlotKind.Spill && os.Spilled.Type == RegType.Scalar && os.Spilled.Var.IsUnknown && os.Spilled.Id == 0;
            if (os.IsSpill && !oldUnknownSpill)
            {
                if (!cs.IsSpill || !RegSafe(os.Spilled, cs.Spilled, ids, exact: false))
                {
                    return false;
                }

                continue;
            }

            if (os.Kinds[0] == SlotKind.Spill && !oldUnknownSpill && (cs.Kinds[0] != SlotKind.Spill || !RegSafe(os.Spilled, cs.Spilled, ids, exact: false)))
            {
                // A partial spill (a scalar stored with a narrower width at the slot's start).
                return false;
            }

            for (var i = 0; i < 8; i++)
            {
                var o = oldUnknownSpill && os.Kinds[i] == SlotKind.Spill ? SlotKind.Misc : os.Kinds[i];
                var c = cs.Kinds[i];
                switch (o)
                {
                    case SlotKind.Invalid:
                        continue;
                    case SlotKind.Misc:
                        if (c is SlotKind.Misc or SlotKind.Zero)
                        {
                            continue;
                        }

                        if (c == SlotKind.Invalid && !options.Strict)
                        {
                            continue;
                        }

                        if (c == SlotKind.Spill && cs.Spilled.Type == RegType.Scalar)
                        {
                            continue;
                        }

                        return false;
                    case SlotKind.Zero:
                        if (c != SlotKind.Zero)
                        {
                            return false;
                        }

                        continue;
                    default:
                        if (c != o)
                        {
                            return false;
                        }

                        continue;
                }
            }
        }

        return true;
    }

    /// <summary>A consistent one-to-one mapping between the ids of the old and the current state.</summary>
    private sealed class IdMap
    {
        private readonly List<(int Old, int Cur)> _pairs = [];

        private int _fresh;

        public void Clear()
        {
            _pairs.Clear();
            _fresh = 0;
        }

        /// <summary>An id no register of the current state has (for an unlinked register).</summary>
        public int FreshId() => --_fresh;

        public bool Check(int old, int cur)
        {
            if (old == 0 && cur == 0)
            {
                return true;
            }

            if (old == 0 || cur == 0)
            {
                return false;
            }

            foreach (var (o, c) in _pairs)
            {
                if (o == old)
                {
                    return c == cur;
                }

                if (c == cur)
                {
                    return false;
                }
            }

            _pairs.Add((old, cur));
            return true;
        }
    }
}
