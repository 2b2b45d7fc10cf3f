using System.Buffers.Binary;
using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>
/// Arithmetic on scalar abstract values: the result's known bits and bounds contain every concrete
/// result (RFC 9669 semantics: division by zero gives 0, modulo by zero leaves dst, shifts masked).
/// </summary>
internal static class ScalarAlu
{
    /// <summary>dst = dst op src for scalars; <paramref name="offset"/> is the instruction's offset field (signed div/mod, movsx).</summary>
    public static void Apply(ref RegState dst, in RegState src, byte op, short offset, bool is64)
    {
        if (is64)
        {
            Apply64(ref dst, src, op, offset, 63);
            dst.Sync();
            return;
        }

        if (op == Opcode.Arsh)
        {
            Arsh32(ref dst, src);
            return;
        }

        if (op == Opcode.Mov && offset != 0)
        {
            var wide = src;
            SignExtend(ref wide, offset);
            dst = wide;
            Truncate32(ref dst);
            return;
        }

        if ((op is Opcode.Div or Opcode.Mod) && offset != 0)
        {
            dst = RegState.UnknownOfSize(4);
            return;
        }

        var a = View32(dst);
        var b = View32(src);
        Apply64(ref a, b, op, 0, 31);
        a.Sync();
        dst = a;
        Truncate32(ref dst);
    }

    private static RegState View32(in RegState r)
    {
        var v = RegState.UnknownScalar();
        v.Var = r.Var.Subreg;
        v.UMin = r.U32Min;
        v.UMax = r.U32Max;
        v.Sync();
        return v;
    }

    /// <summary>Keeps the low 32 bits, zero-extended.</summary>
    public static void Truncate32(ref RegState r)
    {
        if (r.UMax > uint.MaxValue || r.UMin > uint.MaxValue)
        {
            var sub = r.Var.Subreg;
            var u32min = r.U32Min;
            var u32max = r.U32Max;
            var s32min = r.S32Min;
            var s32max = r.S32Max;
            r = RegState.UnknownScalar();
            r.Var = sub;
            r.U32Min = u32min;
            r.U32Max = u32max;
            r.S32Min = s32min;
            r.S32Max = s32max;
            r.UMax = uint.MaxValue;
            r.Sync();
        }

        r.ZeroExtend32();
    }

    private static void Apply64(ref RegState dst, in RegState src, byte op, short offset, int shiftMask)
    {
        switch (op)
        {
            case Opcode.Add:
                Add(ref dst, src);
                break;
            case Opcode.Sub:
                Sub(ref dst, src);
                break;
            case Opcode.Mul:
                Mul(ref dst, src);
                break;
            case Opcode.Div:
                if (offset != 0)
                {
                    dst.MarkUnknown();
                }
                else if (src.IsConst)
                {
                    var c = src.Var.Value;
                    if (c == 0)
                    {
                        dst.SetConst(0);
                    }
                    else
                    {
                        dst.SetUnsignedRange(dst.UMin / c, dst.UMax / c);
                    }
                }
                else
                {
                    dst.SetUnsignedRange(0, dst.UMax);
                }

                break;
            case Opcode.Mod:
                if (offset != 0)
                {
                    dst.MarkUnknown();
                }
                else if (src.IsConst)
                {
                    var c = src.Var.Value;
                    if (c != 0 && dst.UMax >= c)
                    {
                        dst.SetUnsignedRange(0, Math.Min(dst.UMax, c - 1));
                    }
                }
                else
                {
                    dst.SetUnsignedRange(0, dst.UMax);
                }

                break;
            case Opcode.And:
                {
                    var t = Tnum.And(dst.Var, src.Var);
                    var umax = Math.Min(dst.UMax, src.UMax);
                    dst.SetUnbounded();
                    dst.Var = t;
                    dst.UMin = t.Value;
                    dst.UMax = umax;
                    break;
                }

            case Opcode.Or:
                {
                    var t = Tnum.Or(dst.Var, src.Var);
                    var umin = Math.Max(dst.UMin, src.UMin);
                    dst.SetUnbounded();
                    dst.Var = t;
                    dst.UMin = umin;
                    break;
                }

            case Opcode.Xor:
                {
                    var t = Tnum.Xor(dst.Var, src.Var);
                    dst.SetUnbounded();
                    dst.Var = t;
                    break;
                }

            case Opcode.Lsh:
                if (src.IsConst)
                {
                    var k = (int)(src.Var.Value & (ulong)shiftMask);
                    var t = dst.Var.Lsh(k);
                    var fits = k == 0 || dst.UMax >> (64 - k) == 0;
                    var umin = dst.UMin << k;
                    var umax = dst.UMax << k;
                    dst.SetUnbounded();
                    dst.Var = t;
                    if (fits)
                    {
                        dst.UMin = umin;
                        dst.UMax = umax;
                    }
                }
                else
                {
                    dst.MarkUnknown();
                }

                break;
            case Opcode.Rsh:
                if (src.IsConst)
                {
                    var k = (int)(src.Var.Value & (ulong)shiftMask);
                    var t = dst.Var.Rsh(k);
                    var umin = dst.UMin >> k;
                    var umax = dst.UMax >> k;
                    dst.SetUnbounded();
                    dst.Var = t;
                    dst.UMin = umin;
                    dst.UMax = umax;
                }
                else
                {
                    dst.SetUnsignedRange(0, dst.UMax);
                }

                break;
            case Opcode.Arsh:
                if (src.IsConst)
                {
                    var k = (int)(src.Var.Value & (ulong)shiftMask);
                    var t = dst.Var.Arsh(k, false);
                    var smin = dst.SMin >> k;
                    var smax = dst.SMax >> k;
                    dst.SetUnbounded();
                    dst.Var = t;
                    dst.SMin = smin;
                    dst.SMax = smax;
                }
                else
                {
                    dst.MarkUnknown();
                }

                break;
            case Opcode.Neg:
                {
                    var zero = RegState.ConstScalar(0);
                    Sub(ref zero, dst);
                    dst = zero;
                    break;
                }

            case Opcode.Mov:
                {
                    var copy = src;
                    if (offset != 0)
                    {
                        SignExtend(ref copy, offset);
                    }

                    dst = copy;
                    break;
                }

            default:
                dst.MarkUnknown();
                break;
        }
    }

    private static void Add(ref RegState dst, in RegState src)
    {
        var t = Tnum.Add(dst.Var, src.Var);
        var sminOk = !AddOverflows(dst.SMin, src.SMin) && !AddOverflows(dst.SMax, src.SMax);
        var smin = dst.SMin + src.SMin;
        var smax = dst.SMax + src.SMax;
        var uOk = dst.UMax + src.UMax >= dst.UMax && dst.UMin + src.UMin >= dst.UMin;
        var umin = dst.UMin + src.UMin;
        var umax = dst.UMax + src.UMax;
        dst.SetUnbounded();
        dst.Var = t;
        if (sminOk)
        {
            dst.SMin = smin;
            dst.SMax = smax;
        }

        if (uOk)
        {
            dst.UMin = umin;
            dst.UMax = umax;
        }
    }

    private static void Sub(ref RegState dst, in RegState src)
    {
        var t = Tnum.Sub(dst.Var, src.Var);
        var sOk = !SubOverflows(dst.SMin, src.SMax) && !SubOverflows(dst.SMax, src.SMin);
        var smin = dst.SMin - src.SMax;
        var smax = dst.SMax - src.SMin;
        var uOk = dst.UMin >= src.UMax;
        var umin = dst.UMin - src.UMax;
        var umax = dst.UMax - src.UMin;
        dst.SetUnbounded();
        dst.Var = t;
        if (sOk)
        {
            dst.SMin = smin;
            dst.SMax = smax;
        }

        if (uOk)
        {
            dst.UMin = umin;
            dst.UMax = umax;
        }
    }

    private static void Mul(ref RegState dst, in RegState src)
    {
        var t = Tnum.Mul(dst.Var, src.Var);
        var small = dst.UMax <= uint.MaxValue && src.UMax <= uint.MaxValue;
        var umin = dst.UMin * src.UMin;
        var umax = dst.UMax * src.UMax;
        dst.SetUnbounded();
        dst.Var = t;
        if (small)
        {
            dst.UMin = umin;
            dst.UMax = umax;
        }
    }

    private static void Arsh32(ref RegState dst, in RegState src)
    {
        if (!src.IsConst)
        {
            dst = RegState.UnknownOfSize(4);
            return;
        }

        var k = (int)(src.Var.Value & 31);
        var t = dst.Var.Subreg.Arsh(k, true);
        var smin = dst.S32Min >> k;
        var smax = dst.S32Max >> k;
        var r = RegState.UnknownOfSize(4);
        r.Var = Tnum.Intersect(r.Var, t);
        r.S32Min = smin;
        r.S32Max = smax;
        r.Sync();
        dst = r;
        dst.ZeroExtend32();
    }

    /// <summary>movsx: the low 8/16/32 bits sign-extended to 64.</summary>
    private static void SignExtend(ref RegState r, short bits)
    {
        var half = 1L << (bits - 1);
        if (r.SMin >= -half && r.SMax < half)
        {
            return;
        }

        if (r.IsConst)
        {
            var v = r.Var.Value;
            r.SetConst(bits switch { 8 => (ulong)(long)(sbyte)v, 16 => (ulong)(long)(short)v, _ => (ulong)(long)(int)v });
            return;
        }

        r.MarkUnknown();
        r.SMin = -half;
        r.SMax = half - 1;
        r.Sync();
    }

    /// <summary>Byte swap / endianness conversion (BPF_END) of <paramref name="bits"/> bits.</summary>
    public static void ByteSwap(ref RegState r, int bits, bool swap)
    {
        if (r.IsConst)
        {
            var v = r.Var.Value;
            r.SetConst(bits switch
            {
                16 => swap ? BinaryPrimitives.ReverseEndianness((ushort)v) : (ushort)v,
                32 => swap ? BinaryPrimitives.ReverseEndianness((uint)v) : (uint)v,
                _ => swap ? BinaryPrimitives.ReverseEndianness(v) : v,
            });
            return;
        }

        if (!swap)
        {
            if (bits == 64)
            {
                return;
            }

            var mask = bits == 32 ? uint.MaxValue : 0xffffUL;
            if (r.UMax <= mask)
            {
                return;
            }

            var t = new Tnum(r.Var.Value & mask, r.Var.Mask & mask);
            r = RegState.UnknownOfSize(bits / 8);
            r.Var = t;
            r.Sync();
            return;
        }

        r = RegState.UnknownOfSize(bits / 8);
    }

    private static bool AddOverflows(long a, long b)
    {
        var s = unchecked(a + b);
        return ((a ^ s) & (b ^ s)) < 0;
    }

    private static bool SubOverflows(long a, long b)
    {
        var s = unchecked(a - b);
        return ((a ^ b) & (a ^ s)) < 0;
    }
}
