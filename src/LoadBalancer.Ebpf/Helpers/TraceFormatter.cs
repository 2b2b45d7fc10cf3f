using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Maps;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary>
/// The kernel's <c>bpf_trace_printk</c> format rules (<c>bpf_bprintf_prepare</c>): a NUL-terminated
/// format of printable ASCII, at most three conversions among <c>%d %i %u %x %X</c> (with <c>l</c> or
/// <c>ll</c>), <c>%c</c>, <c>%s</c>, <c>%p %pK %px %ps %pS</c> and <c>%%</c>, each with optional <c>0 + - space</c>
/// flags and a width, plus the pointer forms <c>%pks %pus</c> (strings) and <c>%pI4 %pi4 %pI6 %pi6</c>
/// (addresses read through the pointer). Anything else is -EINVAL. Memory is read only from the run's
/// regions. Plain <c>%p</c> prints the raw value (the kernel prints a hashed one).
/// </summary>
public static class TraceFormatter
{
    /// <summary>Output limit in characters (the kernel's MAX_BPRINTF_BUF).</summary>
    public const int MaxOutput = 1024;

    private const int MaxArgs = 3;

    /// <summary>Formats into <paramref name="output"/>; returns the length (capped at the output size) or a negated errno.</summary>
    public static int Format(RunContext context, ReadOnlySpan<byte> format, ulong a1, ulong a2, ulong a3, Span<char> output)
    {
        ArgumentNullException.ThrowIfNull(context);
        var end = format.IndexOf((byte)0);
        if (end < 0)
        {
            return -BpfErrno.EINVAL;
        }

        format = format[..end];
        var writer = new Writer(output);
        Span<char> text = stackalloc char[MaxOutput];
        var used = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c > 0x7e || (c < 0x20 && c is not ((byte)'\n' or (byte)'\t' or (byte)'\r' or 0x0b or 0x0c)))
            {
                return -BpfErrno.EINVAL;
            }

            if (c != '%')
            {
                writer.Put((char)c);
                continue;
            }

            if (i + 1 < format.Length && format[i + 1] == '%')
            {
                writer.Put('%');
                i++;
                continue;
            }

            if (used == MaxArgs)
            {
                return -BpfErrno.EINVAL;
            }

            var arg = used switch { 0 => a1, 1 => a2, _ => a3 };
            used++;
            i++;
            var spec = new Spec();
            for (; i < format.Length && format[i] is (byte)'0' or (byte)'+' or (byte)'-' or (byte)' '; i++)
            {
                spec.SetFlag(format[i]);
            }

            for (; i < format.Length && format[i] is >= (byte)'0' and <= (byte)'9'; i++)
            {
                spec.Width = Math.Min((spec.Width * 10) + (format[i] - '0'), MaxOutput);
            }

            if (i >= format.Length)
            {
                return -BpfErrno.EINVAL;
            }

            switch ((char)format[i])
            {
                case 'c':
                    var ch = (char)(byte)arg;
                    writer.Padded(spec, new ReadOnlySpan<char>(in ch));
                    continue;
                case 's':
                    writer.Padded(spec, ReadString(context, arg, text));
                    continue;
                case 'p':
                    {
                        var next = i + 1 < format.Length ? format[i + 1] : (byte)0;
                        var after = i + 2 < format.Length ? format[i + 2] : (byte)0;
                        if (next is (byte)'k' or (byte)'u' && after == 's')
                        {
                            i += 2;
                            writer.Padded(spec, ReadString(context, arg, text));
                        }
                        else if (next is (byte)'i' or (byte)'I' && after is (byte)'4' or (byte)'6')
                        {
                            i += 2;
                            if (!FormatAddress(context, arg, after == '4', next == 'I', ref writer))
                            {
                                return -BpfErrno.EINVAL;
                            }
                        }
                        else if (next is (byte)'K' or (byte)'x' or (byte)'s' or (byte)'S' || next == 0 || !char.IsAsciiLetterOrDigit((char)next))
                        {
                            if (next is (byte)'K' or (byte)'x' or (byte)'s' or (byte)'S')
                            {
                                i++;
                            }

                            spec.Width = Math.Max(spec.Width, 16);
                            spec.Zero = true;
                            writer.Number(spec, arg, hex: true, upper: false, signed: false);
                        }
                        else
                        {
                            return -BpfErrno.EINVAL;
                        }

                        continue;
                    }
            }

            var longs = 0;
            while (longs < 2 && format[i] == 'l')
            {
                longs++;
                if (++i >= format.Length)
                {
                    return -BpfErrno.EINVAL;
                }
            }

            var value = longs == 0 ? (format[i] is (byte)'d' or (byte)'i' ? (ulong)(long)(int)arg : (uint)arg) : arg;
            switch ((char)format[i])
            {
                case 'd' or 'i': writer.Number(spec, value, hex: false, upper: false, signed: true); break;
                case 'u': writer.Number(spec, value, hex: false, upper: false, signed: false); break;
                case 'x': writer.Number(spec, value, hex: true, upper: false, signed: false); break;
                case 'X': writer.Number(spec, value, hex: true, upper: true, signed: false); break;
                default: return -BpfErrno.EINVAL;
            }
        }

        return writer.Length;
    }

    /// <summary>%pI4 / %pi4 (dotted quad) and %pI6 (colon-separated groups) / %pi6 (32 hex digits) of the bytes at a pointer.</summary>
    private static unsafe bool FormatAddress(RunContext context, ulong address, bool ipv4, bool separators, ref Writer writer)
    {
        var length = ipv4 ? 4 : 16;
        if (!context.IsAccessible(address, (ulong)length, false))
        {
            return false;
        }

        var bytes = new ReadOnlySpan<byte>((void*)address, length);
        var plain = default(Spec);
        var hex = new Spec { Width = 2, Zero = true };
        for (var b = 0; b < length; b++)
        {
            if (ipv4)
            {
                if (b > 0)
                {
                    writer.Put('.');
                }

                writer.Number(plain, bytes[b], hex: false, upper: false, signed: false);
            }
            else
            {
                if (separators && b > 0 && b % 2 == 0)
                {
                    writer.Put(':');
                }

                writer.Number(hex, bytes[b], hex: true, upper: false, signed: false);
            }
        }

        return true;
    }

    private static unsafe ReadOnlySpan<char> ReadString(RunContext context, ulong address, Span<char> buffer)
    {
        var n = 0;
        while (n < buffer.Length && context.IsAccessible(address + (ulong)n, 1, false))
        {
            var b = *(byte*)(address + (ulong)n);
            if (b == 0)
            {
                return buffer[..n];
            }

            buffer[n++] = (char)b;
        }

        // Unterminated or unreadable: the kernel copies nothing it cannot read safely.
        return n == 0 || n == buffer.Length ? buffer[..n] : [];
    }

    private struct Spec
    {
        public int Width;
        public bool Zero;
        public bool Left;
        public bool Plus;
        public bool Space;

        public void SetFlag(byte flag)
        {
            switch (flag)
            {
                case (byte)'0': Zero = true; break;
                case (byte)'-': Left = true; break;
                case (byte)'+': Plus = true; break;
                default: Space = true; break;
            }
        }
    }

    private ref struct Writer(Span<char> output)
    {
        private readonly Span<char> _output = output;

        public int Length { get; private set; }

        public void Put(char c)
        {
            if (Length < _output.Length)
            {
                _output[Length] = c;
            }

            Length++;
        }

        public void Padded(Spec spec, scoped ReadOnlySpan<char> text)
        {
            var pad = Math.Max(spec.Width - text.Length, 0);
            if (!spec.Left)
            {
                Repeat(' ', pad);
            }

            foreach (var c in text)
            {
                Put(c);
            }

            if (spec.Left)
            {
                Repeat(' ', pad);
            }
        }

        public void Number(Spec spec, ulong value, bool hex, bool upper, bool signed)
        {
            Span<char> digits = stackalloc char[24];
            var negative = signed && (long)value < 0;
            var magnitude = negative ? (ulong)-(long)value : value;
            var n = 0;
            do
            {
                var d = (int)(hex ? magnitude & 15 : magnitude % 10);
                digits[n++] = (char)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
                magnitude = hex ? magnitude >> 4 : magnitude / 10;
            }
            while (magnitude != 0);

            var sign = negative ? '-' : signed && spec.Plus ? '+' : signed && spec.Space ? ' ' : '\0';
            var length = n + (sign != '\0' ? 1 : 0);
            var pad = Math.Max(spec.Width - length, 0);
            if (!spec.Left && !spec.Zero)
            {
                Repeat(' ', pad);
            }

            if (sign != '\0')
            {
                Put(sign);
            }

            if (!spec.Left && spec.Zero)
            {
                Repeat('0', pad);
            }

            while (n > 0)
            {
                Put(digits[--n]);
            }

            if (spec.Left)
            {
                Repeat(' ', pad);
            }
        }

        private void Repeat(char c, int count)
        {
            for (var i = 0; i < count; i++)
            {
                Put(c);
            }
        }
    }
}
