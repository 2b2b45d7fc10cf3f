using System.Numerics;

namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>
/// A tristate number (the kernel's <c>tnum</c>): each bit is known 0, known 1 or unknown. Bits set in
/// <see cref="Mask"/> are unknown; the others have the value of the same bit in <see cref="Value"/>.
/// </summary>
internal readonly record struct Tnum(ulong Value, ulong Mask)
{
    public static readonly Tnum Unknown = new(0, ulong.MaxValue);

    public static Tnum Const(ulong value) => new(value, 0);

    public bool IsConst => Mask == 0;

    public bool IsUnknown => Mask == ulong.MaxValue;

    /// <summary>The smallest tnum holding every value of [min, max].</summary>
    public static Tnum Range(ulong min, ulong max)
    {
        var chi = min ^ max;
        var bits = chi == 0 ? 0 : 64 - BitOperations.LeadingZeroCount(chi);
        if (bits > 63)
        {
            return Unknown;
        }

        var delta = (1UL << bits) - 1;
        return new Tnum(min & ~delta, delta);
    }

    public Tnum Lsh(int shift) => new(Value << shift, Mask << shift);

    public Tnum Rsh(int shift) => new(Value >> shift, Mask >> shift);

    public Tnum Arsh(int shift, bool is32)
    {
        if (is32)
        {
            return new Tnum((uint)((int)(uint)Value >> shift), (uint)((int)(uint)Mask >> shift));
        }

        return new Tnum((ulong)((long)Value >> shift), (ulong)((long)Mask >> shift));
    }

    public static Tnum Add(Tnum a, Tnum b)
    {
        var sm = a.Mask + b.Mask;
        var sv = a.Value + b.Value;
        var sigma = sm + sv;
        var chi = sigma ^ sv;
        var mu = chi | a.Mask | b.Mask;
        return new Tnum(sv & ~mu, mu);
    }

    public static Tnum Sub(Tnum a, Tnum b)
    {
        var dv = a.Value - b.Value;
        var alpha = dv + a.Mask;
        var beta = dv - b.Mask;
        var chi = alpha ^ beta;
        var mu = chi | a.Mask | b.Mask;
        return new Tnum(dv & ~mu, mu);
    }

    public static Tnum And(Tnum a, Tnum b)
    {
        var alpha = a.Value | a.Mask;
        var beta = b.Value | b.Mask;
        var v = a.Value & b.Value;
        return new Tnum(v, alpha & beta & ~v);
    }

    public static Tnum Or(Tnum a, Tnum b)
    {
        var v = a.Value | b.Value;
        var mu = a.Mask | b.Mask;
        return new Tnum(v, mu & ~v);
    }

    public static Tnum Xor(Tnum a, Tnum b)
    {
        var v = a.Value ^ b.Value;
        var mu = a.Mask | b.Mask;
        return new Tnum(v & ~mu, mu);
    }

    /// <summary>Multiplication, bit by bit as the kernel's tnum_mul does (sound, not exact).</summary>
    public static Tnum Mul(Tnum a, Tnum b)
    {
        var accV = a.Value * b.Value;
        var accM = new Tnum(0, 0);
        while (a.Value != 0 || a.Mask != 0)
        {
            if ((a.Value & 1) != 0)
            {
                accM = Add(accM, new Tnum(0, b.Mask));
            }
            else if ((a.Mask & 1) != 0)
            {
                accM = Add(accM, new Tnum(0, b.Value | b.Mask));
            }

            a = a.Rsh(1);
            b = b.Lsh(1);
        }

        return Add(new Tnum(accV, 0), accM);
    }

    /// <summary>Values known to both (caller guarantees they are compatible).</summary>
    public static Tnum Intersect(Tnum a, Tnum b)
    {
        var v = a.Value | b.Value;
        var mu = a.Mask & b.Mask;
        return new Tnum(v & ~mu, mu);
    }

    /// <summary>True when a and b agree on every bit both know (the intersection is not empty).</summary>
    public static bool Compatible(Tnum a, Tnum b) => ((a.Value ^ b.Value) & ~(a.Mask | b.Mask)) == 0;

    /// <summary>The low 32 bits, zero-extended.</summary>
    public Tnum Subreg => new((uint)Value, (uint)Mask);

    /// <summary>This tnum with its low 32 bits replaced by <paramref name="low"/>.</summary>
    public Tnum WithSubreg(Tnum low) => new((Value & 0xffff_ffff_0000_0000UL) | (uint)low.Value, (Mask & 0xffff_ffff_0000_0000UL) | (uint)low.Mask);

    /// <summary>The low <paramref name="bytes"/> bytes, zero-extended.</summary>
    public Tnum Truncate(int bytes)
    {
        if (bytes >= 8)
        {
            return this;
        }

        var keep = (1UL << (bytes * 8)) - 1;
        return new Tnum(Value & keep, Mask & keep);
    }

    /// <summary>True when every value of <paramref name="b"/> is a value of this tnum.</summary>
    public bool Contains(Tnum b) => (b.Mask & ~Mask) == 0 && (b.Value & ~Mask) == Value;

    public override string ToString() => IsConst ? $"0x{Value:x}" : $"(0x{Value:x}; 0x{Mask:x})";
}
