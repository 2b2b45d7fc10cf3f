using System.Globalization;

namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// Reads the tokens of one assembly line (comments and labels already removed): registers in both
/// spellings (<c>%r1</c>, <c>r1</c>, <c>w1</c>), numbers (decimal or <c>0x</c> hex, signed),
/// identifiers and punctuation. Keywords compare case-insensitively.
/// </summary>
internal sealed class LineCursor(string text)
{
    private int _pos;

    /// <summary>The whole line.</summary>
    public string Text { get; } = text;

    /// <summary>True when only whitespace is left.</summary>
    public bool AtEnd
    {
        get
        {
            SkipSpace();
            return _pos >= Text.Length;
        }
    }

    /// <summary>What is left of the line, for error messages.</summary>
    public string Rest => Text[Math.Min(_pos, Text.Length)..].Trim();

    /// <summary>Skips whitespace.</summary>
    public void SkipSpace()
    {
        while (_pos < Text.Length && char.IsWhiteSpace(Text[_pos]))
        {
            _pos++;
        }
    }

    /// <summary>Peeks the next non-space character, or '\0' at the end.</summary>
    public char Peek()
    {
        SkipSpace();
        return _pos < Text.Length ? Text[_pos] : '\0';
    }

    /// <summary>Consumes <paramref name="token"/> if the line continues with it.</summary>
    public bool TryEat(string token)
    {
        SkipSpace();
        if (!Text.AsSpan(_pos).StartsWith(token, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // A word token must not run into an identifier ("call" must not match "callx").
        var end = _pos + token.Length;
        if (IsIdentifierChar(token[^1]) && end < Text.Length && IsIdentifierChar(Text[end]))
        {
            return false;
        }

        _pos = end;
        return true;
    }

    /// <summary>Consumes <paramref name="token"/> or fails with a message naming what was expected.</summary>
    public void Expect(string token)
    {
        if (!TryEat(token))
        {
            throw new LineSyntaxException($"Expected '{token}' but found '{Rest}'");
        }
    }

    /// <summary>Fails unless nothing but whitespace is left.</summary>
    public void ExpectEnd()
    {
        if (!AtEnd)
        {
            throw new LineSyntaxException($"Unexpected '{Rest}'");
        }
    }

    /// <summary>Reads a run of non-space characters (an operator such as <c>s&gt;&gt;=</c>).</summary>
    public string ReadWord()
    {
        SkipSpace();
        var start = _pos;
        while (_pos < Text.Length && !char.IsWhiteSpace(Text[_pos]))
        {
            _pos++;
        }

        return Text[start.._pos];
    }

    /// <summary>Reads an identifier (letters, digits, '_', '.', '$'), or null if none starts here.</summary>
    public string? TryIdentifier()
    {
        SkipSpace();
        if (_pos >= Text.Length || !(char.IsLetter(Text[_pos]) || Text[_pos] is '_' or '.' or '$'))
        {
            return null;
        }

        var start = _pos;
        while (_pos < Text.Length && IsIdentifierChar(Text[_pos]))
        {
            _pos++;
        }

        return Text[start.._pos];
    }

    /// <summary>
    /// Reads a register if one starts here: <c>%rN</c>, <c>rN</c> or <c>wN</c>. <paramref name="wide"/>
    /// is false for the 32-bit <c>wN</c> spelling. A register number above 10 is an error.
    /// </summary>
    public bool TryRegister(out byte register, out bool wide)
    {
        SkipSpace();
        register = 0;
        wide = true;
        var p = _pos;
        if (p < Text.Length && Text[p] == '%')
        {
            p++;
        }

        if (p >= Text.Length || (Text[p] is not ('r' or 'R' or 'w' or 'W')))
        {
            return false;
        }

        wide = Text[p] is 'r' or 'R';
        var digitsStart = ++p;
        while (p < Text.Length && char.IsAsciiDigit(Text[p]))
        {
            p++;
        }

        if (p == digitsStart || (p < Text.Length && IsIdentifierChar(Text[p])))
        {
            if (Text[_pos] == '%')
            {
                throw new LineSyntaxException($"Invalid register '{Word(_pos)}'");
            }

            return false;
        }

        var digits = Text.AsSpan(digitsStart, p - digitsStart);
        if (digits.Length > 2 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 10)
        {
            throw new LineSyntaxException($"Invalid register '{Text[_pos..p]}' (registers are r0-r10)");
        }

        register = (byte)n;
        _pos = p;
        return true;
    }

    /// <summary>Reads a register or fails with "Invalid register".</summary>
    public byte ExpectRegister(out bool wide)
    {
        if (!TryRegister(out var register, out wide))
        {
            throw new LineSyntaxException($"Invalid register: expected a register but found '{Rest}'");
        }

        return register;
    }

    /// <summary>Reads a 64-bit register (<c>rN</c> or <c>%rN</c>), refusing <c>wN</c>.</summary>
    public byte ExpectWideRegister()
    {
        var register = ExpectRegister(out var wide);
        return wide ? register : throw new LineSyntaxException($"Invalid register: w{register} cannot be used here, use r{register}");
    }

    /// <summary>
    /// Reads a signed number: optional '+' or '-', then decimal digits or <c>0x</c> hex digits.
    /// </summary>
    public bool TryNumber(out Int128 value) => TryNumber(out value, out _);

    /// <summary>Reads a signed number and says whether it was written in hex.</summary>
    public bool TryNumber(out Int128 value, out bool hex)
    {
        SkipSpace();
        value = 0;
        var p = _pos;
        var negative = false;
        if (p < Text.Length && Text[p] is '+' or '-')
        {
            negative = Text[p] == '-';
            p++;
            while (p < Text.Length && Text[p] == ' ')
            {
                p++;
            }
        }

        hex = p + 1 < Text.Length && Text[p] == '0' && Text[p + 1] is 'x' or 'X';
        var start = hex ? p + 2 : p;
        var end = start;
        while (end < Text.Length && (hex ? char.IsAsciiHexDigit(Text[end]) : char.IsAsciiDigit(Text[end])))
        {
            end++;
        }

        if (end == start || (end < Text.Length && IsIdentifierChar(Text[end])))
        {
            return false;
        }

        var digits = Text.AsSpan(start, end - start);
        var style = hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
        if (digits.Length > 32 || !UInt128.TryParse(digits, style, CultureInfo.InvariantCulture, out var magnitude)
            || magnitude > (UInt128)ulong.MaxValue)
        {
            throw new LineSyntaxException($"Number '{Text[_pos..end]}' is too large");
        }

        value = negative ? -(Int128)magnitude : (Int128)magnitude;
        _pos = end;
        return true;
    }

    /// <summary>Reads a number or fails.</summary>
    public Int128 ExpectNumber()
    {
        return TryNumber(out var value) ? value : throw new LineSyntaxException($"Expected a number but found '{Rest}'");
    }

    /// <summary>Reads a 32-bit immediate (see <see cref="ValueRange.Imm32(Int128, bool)"/>).</summary>
    public int ExpectImm32()
    {
        return TryNumber(out var value, out var hex)
            ? ValueRange.Imm32(value, hex)
            : throw new LineSyntaxException($"Expected a number but found '{Rest}'");
    }

    private string Word(int from)
    {
        var p = from;
        while (p < Text.Length && !char.IsWhiteSpace(Text[p]) && Text[p] is not (',' or ']' or ')'))
        {
            p++;
        }

        return Text[from..p];
    }

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '$';
}
