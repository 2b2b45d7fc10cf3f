using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>
/// Conditional jumps on scalars: whether a branch is decided by the bounds, and what each side learns
/// (the kernel's is_branch_taken and reg_set_min_max).
/// </summary>
internal static class BranchLogic
{
    /// <summary>The operation that holds on the other side (not taken): JEQ ↔ JNE, JGT ↔ JLE, ...; JSET has none (0xff).</summary>
    public static byte Negate(byte op) => op switch
    {
        Opcode.Jeq => Opcode.Jne,
        Opcode.Jne => Opcode.Jeq,
        Opcode.Jgt => Opcode.Jle,
        Opcode.Jle => Opcode.Jgt,
        Opcode.Jge => Opcode.Jlt,
        Opcode.Jlt => Opcode.Jge,
        Opcode.Jsgt => Opcode.Jsle,
        Opcode.Jsle => Opcode.Jsgt,
        Opcode.Jsge => Opcode.Jslt,
        Opcode.Jslt => Opcode.Jsge,
        _ => 0xff, // "not JSET"
    };

    /// <summary>The same comparison with the operands swapped (a op b == b swapped(op) a).</summary>
    public static byte Swap(byte op) => op switch
    {
        Opcode.Jgt => Opcode.Jlt,
        Opcode.Jlt => Opcode.Jgt,
        Opcode.Jge => Opcode.Jle,
        Opcode.Jle => Opcode.Jge,
        Opcode.Jsgt => Opcode.Jslt,
        Opcode.Jslt => Opcode.Jsgt,
        Opcode.Jsge => Opcode.Jsle,
        Opcode.Jsle => Opcode.Jsge,
        _ => op,
    };

    private readonly record struct View(ulong UMin, ulong UMax, long SMin, long SMax, Tnum Var);

    private static View Of(in RegState r, bool is32) => is32
        ? new View(r.U32Min, r.U32Max, r.S32Min, r.S32Max, r.Var.Subreg)
        : new View(r.UMin, r.UMax, r.SMin, r.SMax, r.Var);

    /// <summary>1 when <c>a op b</c> always holds, 0 when never, -1 when it depends.</summary>
    public static int Taken(in RegState a, in RegState b, byte op, bool is32)
    {
        var x = Of(a, is32);
        var y = Of(b, is32);
        switch (op)
        {
            case Opcode.Jeq:
                if (x.Var.IsConst && y.Var.IsConst)
                {
                    return x.Var.Value == y.Var.Value ? 1 : 0;
                }

                if (x.UMin > y.UMax || x.UMax < y.UMin || x.SMin > y.SMax || x.SMax < y.SMin || !Tnum.Compatible(x.Var, y.Var))
                {
                    return 0;
                }

                return -1;
            case Opcode.Jne:
                {
                    var t = Taken(a, b, Opcode.Jeq, is32);
                    return t < 0 ? -1 : 1 - t;
                }

            case Opcode.Jgt:
                return x.UMin > y.UMax ? 1 : x.UMax <= y.UMin ? 0 : -1;
            case Opcode.Jge:
                return x.UMin >= y.UMax ? 1 : x.UMax < y.UMin ? 0 : -1;
            case Opcode.Jlt:
                return x.UMax < y.UMin ? 1 : x.UMin >= y.UMax ? 0 : -1;
            case Opcode.Jle:
                return x.UMax <= y.UMin ? 1 : x.UMin > y.UMax ? 0 : -1;
            case Opcode.Jsgt:
                return x.SMin > y.SMax ? 1 : x.SMax <= y.SMin ? 0 : -1;
            case Opcode.Jsge:
                return x.SMin >= y.SMax ? 1 : x.SMax < y.SMin ? 0 : -1;
            case Opcode.Jslt:
                return x.SMax < y.SMin ? 1 : x.SMin >= y.SMax ? 0 : -1;
            case Opcode.Jsle:
                return x.SMax <= y.SMin ? 1 : x.SMin > y.SMax ? 0 : -1;
            case Opcode.Jset:
                if ((x.Var.Value & y.Var.Value) != 0)
                {
                    return 1;
                }

                if (((x.Var.Value | x.Var.Mask) & (y.Var.Value | y.Var.Mask)) == 0)
                {
                    return 0;
                }

                return -1;
            default:
                return -1;
        }
    }

    /// <summary>Narrows <paramref name="a"/> and <paramref name="b"/> assuming <c>a op b</c> holds (op 0xff: a &amp; b == 0). False when impossible.</summary>
    public static bool Refine(ref RegState a, ref RegState b, byte op, bool is32)
    {
        if (is32)
        {
            Refine32(ref a, ref b, op);
        }
        else
        {
            Refine64(ref a, ref b, op);
        }

        if (a.IsEmpty || b.IsEmpty)
        {
            return false;
        }

        a.Sync();
        b.Sync();
        return !a.IsEmpty && !b.IsEmpty;
    }

    private static void Refine64(ref RegState a, ref RegState b, byte op)
    {
        switch (op)
        {
            case Opcode.Jeq:
                {
                    if (!Tnum.Compatible(a.Var, b.Var))
                    {
                        a.UMin = 1;
                        a.UMax = 0;
                        return;
                    }

                    var t = Tnum.Intersect(a.Var, b.Var);
                    var umin = Math.Max(a.UMin, b.UMin);
                    var umax = Math.Min(a.UMax, b.UMax);
                    var smin = Math.Max(a.SMin, b.SMin);
                    var smax = Math.Min(a.SMax, b.SMax);
                    a.Var = b.Var = t;
                    a.UMin = b.UMin = umin;
                    a.UMax = b.UMax = umax;
                    a.SMin = b.SMin = smin;
                    a.SMax = b.SMax = smax;
                    return;
                }

            case Opcode.Jne:
                NotEqual64(ref a, b);
                NotEqual64(ref b, a);
                return;
            case Opcode.Jgt:
                if (b.UMin == ulong.MaxValue || a.UMax == 0)
                {
                    a.UMin = 1;
                    a.UMax = 0;
                    return;
                }

                a.UMin = Math.Max(a.UMin, b.UMin + 1);
                b.UMax = Math.Min(b.UMax, a.UMax - 1);
                return;
            case Opcode.Jge:
                a.UMin = Math.Max(a.UMin, b.UMin);
                b.UMax = Math.Min(b.UMax, a.UMax);
                return;
            case Opcode.Jlt:
                Refine64(ref b, ref a, Opcode.Jgt);
                return;
            case Opcode.Jle:
                Refine64(ref b, ref a, Opcode.Jge);
                return;
            case Opcode.Jsgt:
                if (b.SMin == long.MaxValue || a.SMax == long.MinValue)
                {
                    a.UMin = 1;
                    a.UMax = 0;
                    return;
                }

                a.SMin = Math.Max(a.SMin, b.SMin + 1);
                b.SMax = Math.Min(b.SMax, a.SMax - 1);
                return;
            case Opcode.Jsge:
                a.SMin = Math.Max(a.SMin, b.SMin);
                b.SMax = Math.Min(b.SMax, a.SMax);
                return;
            case Opcode.Jslt:
                Refine64(ref b, ref a, Opcode.Jsgt);
                return;
            case Opcode.Jsle:
                Refine64(ref b, ref a, Opcode.Jsge);
                return;
            case Opcode.Jset:
                if (b.Var.IsConst && ulong.IsPow2(b.Var.Value))
                {
                    a.Var = Tnum.Intersect(a.Var, new Tnum(b.Var.Value, ~b.Var.Value));
                }

                return;
            default: // a & b == 0
                if (b.Var.IsConst)
                {
                    var keep = ~b.Var.Value;
                    a.Var = new Tnum(a.Var.Value & keep, a.Var.Mask & keep);
                }

                return;
        }
    }

    private static void NotEqual64(ref RegState a, in RegState b)
    {
        if (!b.Var.IsConst)
        {
            return;
        }

        var v = b.Var.Value;
        if (a.UMin == v && a.UMin != ulong.MaxValue)
        {
            a.UMin++;
        }
        else if (a.UMax == v && a.UMax != 0)
        {
            a.UMax--;
        }

        if (a.SMin == (long)v && a.SMin != long.MaxValue)
        {
            a.SMin++;
        }
        else if (a.SMax == (long)v && a.SMax != long.MinValue)
        {
            a.SMax--;
        }

        if (a.Var.IsConst && a.Var.Value == v)
        {
            a.UMin = 1;
            a.UMax = 0;
        }
    }

    private static void Refine32(ref RegState a, ref RegState b, byte op)
    {
        switch (op)
        {
            case Opcode.Jeq:
                {
                    var sa = a.Var.Subreg;
                    var sb = b.Var.Subreg;
                    if (!Tnum.Compatible(sa, sb))
                    {
                        a.U32Min = 1;
                        a.U32Max = 0;
                        return;
                    }

                    var t = Tnum.Intersect(sa, sb);
                    a.Var = a.Var.WithSubreg(t);
                    b.Var = b.Var.WithSubreg(t);
                    var umin = Math.Max(a.U32Min, b.U32Min);
                    var umax = Math.Min(a.U32Max, b.U32Max);
                    var smin = Math.Max(a.S32Min, b.S32Min);
                    var smax = Math.Min(a.S32Max, b.S32Max);
                    a.U32Min = b.U32Min = umin;
                    a.U32Max = b.U32Max = umax;
                    a.S32Min = b.S32Min = smin;
                    a.S32Max = b.S32Max = smax;
                    return;
                }

            case Opcode.Jne:
                NotEqual32(ref a, b);
                NotEqual32(ref b, a);
                return;
            case Opcode.Jgt:
                if (b.U32Min == uint.MaxValue || a.U32Max == 0)
                {
                    a.U32Min = 1;
                    a.U32Max = 0;
                    return;
                }

                a.U32Min = Math.Max(a.U32Min, b.U32Min + 1);
                b.U32Max = Math.Min(b.U32Max, a.U32Max - 1);
                return;
            case Opcode.Jge:
                a.U32Min = Math.Max(a.U32Min, b.U32Min);
                b.U32Max = Math.Min(b.U32Max, a.U32Max);
                return;
            case Opcode.Jlt:
                Refine32(ref b, ref a, Opcode.Jgt);
                return;
            case Opcode.Jle:
                Refine32(ref b, ref a, Opcode.Jge);
                return;
            case Opcode.Jsgt:
                if (b.S32Min == int.MaxValue || a.S32Max == int.MinValue)
                {
                    a.U32Min = 1;
                    a.U32Max = 0;
                    return;
                }

                a.S32Min = Math.Max(a.S32Min, b.S32Min + 1);
                b.S32Max = Math.Min(b.S32Max, a.S32Max - 1);
                return;
            case Opcode.Jsge:
                a.S32Min = Math.Max(a.S32Min, b.S32Min);
                b.S32Max = Math.Min(b.S32Max, a.S32Max);
                return;
            case Opcode.Jslt:
                Refine32(ref b, ref a, Opcode.Jsgt);
                return;
            case Opcode.Jsle:
                Refine32(ref b, ref a, Opcode.Jsge);
                return;
            case Opcode.Jset:
                if (b.Var.IsConst && uint.IsPow2((uint)b.Var.Value))
                {
                    var bit = (uint)b.Var.Value;
                    a.Var = Tnum.Intersect(a.Var, new Tnum(bit, ~(ulong)bit));
                }

                return;
            default:
                if (b.Var.IsConst)
                {
                    var keep = ~(ulong)(uint)b.Var.Value;
                    a.Var = new Tnum(a.Var.Value & keep, a.Var.Mask & keep);
                }

                return;
        }
    }

    private static void NotEqual32(ref RegState a, in RegState b)
    {
        if (!b.Var.Subreg.IsConst)
        {
            return;
        }

        var v = (uint)b.Var.Value;
        if (a.U32Min == v && a.U32Min != uint.MaxValue)
        {
            a.U32Min++;
        }
        else if (a.U32Max == v && a.U32Max != 0)
        {
            a.U32Max--;
        }

        if (a.S32Min == (int)v && a.S32Min != int.MaxValue)
        {
            a.S32Min++;
        }
        else if (a.S32Max == (int)v && a.S32Max != int.MinValue)
        {
            a.S32Max--;
        }

        if (a.Var.Subreg.IsConst && (uint)a.Var.Value == v)
        {
            a.U32Min = 1;
            a.U32Max = 0;
        }
    }
}
