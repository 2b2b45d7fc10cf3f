namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>
/// The abstract value of one register (or a spilled stack slot): its type, and for scalars and the
/// variable part of pointers the known bits plus signed/unsigned 64- and 32-bit bounds.
/// </summary>
internal struct RegState : IEquatable<RegState>
{
    public RegType Type;

    /// <summary>Fixed offset of a pointer from its base.</summary>
    public int Off;

    /// <summary>Packet pointers: bytes from (base + variable part) proven below data_end.</summary>
    public int Range;

    /// <summary>Shared by copies: packet pointers with the same variable part, or a map value that may be NULL.</summary>
    public int Id;

    /// <summary>Acquired reference (ringbuf reservations), 0 when none.</summary>
    public int RefObjId;

    /// <summary>Map pointers and map values: index in the verifier's map table. Mem: size. Stack: frame number. Func: target PC.</summary>
    public int Aux;

    public Tnum Var;
    public long SMin;
    public long SMax;
    public ulong UMin;
    public ulong UMax;
    public int S32Min;
    public int S32Max;
    public uint U32Min;
    public uint U32Max;

    public readonly bool IsPointer => Type is not (RegType.Scalar or RegType.NotInit);

    public readonly bool IsConst => Type == RegType.Scalar && Var.IsConst;

    public readonly bool IsPacketLike => Type is RegType.Packet or RegType.PacketMeta;

    public static RegState NotInit => default;

    public static RegState UnknownScalar()
    {
        var r = default(RegState);
        r.Type = RegType.Scalar;
        r.SetUnbounded();
        return r;
    }

    public static RegState ConstScalar(ulong value)
    {
        var r = default(RegState);
        r.Type = RegType.Scalar;
        r.SetConst(value);
        return r;
    }

    public static RegState Pointer(RegType type, int off = 0, int aux = 0)
    {
        var r = default(RegState);
        r.Type = type;
        r.Off = off;
        r.Aux = aux;
        r.SetConst(0);
        return r;
    }

    public void SetUnbounded()
    {
        Var = Tnum.Unknown;
        SMin = long.MinValue;
        SMax = long.MaxValue;
        UMin = 0;
        UMax = ulong.MaxValue;
        S32Min = int.MinValue;
        S32Max = int.MaxValue;
        U32Min = 0;
        U32Max = uint.MaxValue;
    }

    public void SetConst(ulong value)
    {
        Var = Tnum.Const(value);
        SMin = SMax = (long)value;
        UMin = UMax = value;
        S32Min = S32Max = (int)value;
        U32Min = U32Max = (uint)value;
    }

    /// <summary>An unknown scalar of the given byte width (zero-extended, as loads are).</summary>
    public static RegState UnknownOfSize(int bytes)
    {
        var r = UnknownScalar();
        if (bytes < 8)
        {
            r.Var = Tnum.Unknown.Truncate(bytes);
            r.UMax = bytes == 4 ? uint.MaxValue : (1UL << (bytes * 8)) - 1;
            r.Sync();
        }

        return r;
    }

    /// <summary>Turns the register into an unknown scalar.</summary>
    public void MarkUnknown()
    {
        this = UnknownScalar();
    }

    /// <summary>Sets the 64-bit bounds to [umin, umax] (unsigned) and re-derives everything else.</summary>
    public void SetUnsignedRange(ulong umin, ulong umax)
    {
        SetUnbounded();
        UMin = umin;
        UMax = umax;
        Sync();
    }

    /// <summary>True when the bounds are contradictory (an impossible path).</summary>
    public readonly bool IsEmpty =>
        UMin > UMax || SMin > SMax || U32Min > U32Max || S32Min > S32Max || !Tnum.Compatible(Var, Tnum.Range(UMin, UMax));

    /// <summary>Makes tnum, 64-bit and 32-bit bounds agree (the kernel's reg_bounds_sync).</summary>
    public void Sync()
    {
        for (var i = 0; i < 2; i++)
        {
            UpdateFromTnum();
            Deduce32();
            Deduce64();
            Cross();
            BoundOffset();
        }

        UpdateFromTnum();
    }

    private void UpdateFromTnum()
    {
        var v = Var.Value;
        var m = Var.Mask;
        SMin = Math.Max(SMin, (long)(v | (m & 0x8000_0000_0000_0000UL)));
        SMax = Math.Min(SMax, (long)(v | (m & 0x7fff_ffff_ffff_ffffUL)));
        UMin = Math.Max(UMin, v);
        UMax = Math.Min(UMax, v | m);
        var sv = (uint)v;
        var sm = (uint)m;
        S32Min = Math.Max(S32Min, (int)(sv | (sm & 0x8000_0000u)));
        S32Max = Math.Min(S32Max, (int)(sv | (sm & 0x7fff_ffffu)));
        U32Min = Math.Max(U32Min, sv);
        U32Max = Math.Min(U32Max, sv | sm);
    }

    private void Deduce32()
    {
        if ((int)U32Min <= (int)U32Max)
        {
            S32Min = Math.Max(S32Min, (int)U32Min);
            S32Max = Math.Min(S32Max, (int)U32Max);
        }

        if ((uint)S32Min <= (uint)S32Max)
        {
            U32Min = Math.Max(U32Min, (uint)S32Min);
            U32Max = Math.Min(U32Max, (uint)S32Max);
        }
    }

    private void Deduce64()
    {
        if ((long)UMin <= (long)UMax)
        {
            SMin = Math.Max(SMin, (long)UMin);
            SMax = Math.Min(SMax, (long)UMax);
        }

        if ((ulong)SMin <= (ulong)SMax)
        {
            UMin = Math.Max(UMin, (ulong)SMin);
            UMax = Math.Min(UMax, (ulong)SMax);
        }
    }

    private void Cross()
    {
        // 64 -> 32: when the upper halves of the unsigned bounds agree, the low halves bound the subregister.
        if (UMin >> 32 == UMax >> 32)
        {
            U32Min = Math.Max(U32Min, (uint)UMin);
            U32Max = Math.Min(U32Max, (uint)UMax);
            if ((int)(uint)UMin <= (int)(uint)UMax)
            {
                S32Min = Math.Max(S32Min, (int)(uint)UMin);
                S32Max = Math.Min(S32Max, (int)(uint)UMax);
            }
        }

        if (SMin >= int.MinValue && SMax <= int.MaxValue)
        {
            S32Min = Math.Max(S32Min, (int)SMin);
            S32Max = Math.Min(S32Max, (int)SMax);
        }

        // 32 -> 64: when the upper 32 bits are known, the subregister bounds give the full value.
        if ((Var.Mask >> 32) == 0)
        {
            var high = Var.Value & 0xffff_ffff_0000_0000UL;
            UMin = Math.Max(UMin, high | U32Min);
            UMax = Math.Min(UMax, high | U32Max);
        }
    }

    private void BoundOffset()
    {
        if (UMin <= UMax)
        {
            var range = Tnum.Range(UMin, UMax);
            if (Tnum.Compatible(Var, range))
            {
                Var = Tnum.Intersect(Var, range);
            }
        }

        if (U32Min <= U32Max)
        {
            var low = Tnum.Range(U32Min, U32Max);
            var sub = Var.Subreg;
            if (Tnum.Compatible(sub, low))
            {
                Var = Var.WithSubreg(Tnum.Intersect(sub, low));
            }
        }
    }

    /// <summary>After a 32-bit operation: the value is the zero-extended subregister.</summary>
    public void ZeroExtend32()
    {
        var sub = Var.Subreg;
        var umin = U32Min;
        var umax = U32Max;
        SetUnbounded();
        Var = sub;
        UMin = umin;
        UMax = umax;
        U32Min = umin;
        U32Max = umax;
        Sync();
    }

    public readonly bool Equals(RegState other) =>
        Type == other.Type && Off == other.Off && Range == other.Range && Id == other.Id && RefObjId == other.RefObjId &&
        Aux == other.Aux && Var == other.Var && SMin == other.SMin && SMax == other.SMax && UMin == other.UMin &&
        UMax == other.UMax && S32Min == other.S32Min && S32Max == other.S32Max && U32Min == other.U32Min && U32Max == other.U32Max;

    public override readonly bool Equals(object? obj) => obj is RegState other && Equals(other);

    public override readonly int GetHashCode() => HashCode.Combine(Type, Off, Var, UMin, UMax);

    /// <summary>True when every value this (old) range allows includes the new one's: the ranges of <paramref name="cur"/> lie within.</summary>
    public readonly bool RangeWithin(in RegState cur) =>
        SMin <= cur.SMin && SMax >= cur.SMax && UMin <= cur.UMin && UMax >= cur.UMax &&
        S32Min <= cur.S32Min && S32Max >= cur.S32Max && U32Min <= cur.U32Min && U32Max >= cur.U32Max &&
        Var.Contains(cur.Var);
}
