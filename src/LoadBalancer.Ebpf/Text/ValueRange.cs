namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// Range checks that turn parsed numbers into instruction fields. Immediates and offsets accept
/// either a signed value or the unsigned bit pattern of the field (<c>0xffffffff</c> is -1 as an
/// imm32), and nothing wider.
/// </summary>
internal static class ValueRange
{
    /// <summary>A 32-bit immediate: -2^31 .. 2^32-1.</summary>
    public static int Imm32(Int128 value)
    {
        if (value < int.MinValue || value > uint.MaxValue)
        {
            throw new LineSyntaxException($"Immediate {value} does not fit in 32 bits (use lddw for 64-bit constants)");
        }

        return unchecked((int)(uint)(value & uint.MaxValue));
    }

    /// <summary>A 16-bit offset: -2^15 .. 2^16-1.</summary>
    public static short Offset16(Int128 value)
    {
        if (value < short.MinValue || value > ushort.MaxValue)
        {
            throw new LineSyntaxException($"Offset {value} does not fit in 16 bits");
        }

        return unchecked((short)(ushort)(value & ushort.MaxValue));
    }

    /// <summary>A 64-bit immediate: -2^63 .. 2^64-1.</summary>
    public static ulong Imm64(Int128 value)
    {
        if (value < long.MinValue || value > ulong.MaxValue)
        {
            throw new LineSyntaxException($"Immediate {value} does not fit in 64 bits");
        }

        return unchecked((ulong)(value & ulong.MaxValue));
    }

    /// <summary>A value that must lie in [min, max], e.g. an lddw source kind.</summary>
    public static int Within(Int128 value, int min, int max, string what)
    {
        if (value < min || value > max)
        {
            throw new LineSyntaxException($"{what} {value} is out of range {min}..{max}");
        }

        return (int)value;
    }
}
