namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// Range checks that turn parsed numbers into instruction fields. Immediates and offsets accept
/// either a signed value or the unsigned bit pattern of the field (<c>0xffffffff</c> is -1 as an
/// imm32), and nothing wider.
/// </summary>
internal static class ValueRange
{
    /// <summary>
    /// A 32-bit immediate: -2^31 .. 2^31-1 in decimal; hex may also give the unsigned bit pattern up
    /// to <c>0xffffffff</c> (as the conformance suite requires: <c>2147483648</c> is refused).
    /// </summary>
    public static int Imm32(Int128 value, bool hex)
    {
        if (value < int.MinValue || value > (hex ? uint.MaxValue : int.MaxValue))
        {
            throw new LineSyntaxException($"Immediate {value} does not fit in 32 bits (use lddw for 64-bit constants)");
        }

        return unchecked((int)(uint)(value & uint.MaxValue));
    }

    /// <summary>A signed 32-bit value (distances, call targets): -2^31 .. 2^31-1.</summary>
    public static int Int32(Int128 value) => Imm32(value, hex: false);

    /// <summary>An unsigned 32-bit value given in decimal (llvm prints ld_pseudo's imm so).</summary>
    public static int UInt32(Int128 value) => Imm32(value, hex: true);

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
