using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// Turns eBPF assembly text into instruction slots. Each line may use either syntax:
/// the llvm-objdump / kernel form (<c>r0 = *(u32 *)(r1 + 4)</c>, <c>if r1 &gt; r2 goto +1</c>) or the
/// classic uBPF / bpf_conformance form (<c>ldxw %r0, [%r1+4]</c>, <c>jgt %r1, %r2, +1</c>).
/// Labels (<c>name:</c>) may stand alone or before an instruction; jumps and local calls to a label
/// (or, as in the conformance suite, a jump to an undefined <c>exit</c>: the next exit instruction)
/// resolve to slot-relative distances (an <c>lddw</c> counts two slots). Comments start with
/// <c>#</c>, <c>;</c> or <c>//</c>.
/// </summary>
public static class Assembler
{
    /// <summary>Assembles <paramref name="source"/> into slots.</summary>
    /// <exception cref="AssemblyException">A line is not valid assembly; the message names the line.</exception>
    public static Instruction[] Assemble(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var builder = new AssemblyBuilder();
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            builder.CurrentLine = (i + 1, line);
            try
            {
                AssembleLine(StripComment(line), builder);
            }
            catch (LineSyntaxException e)
            {
                throw new AssemblyException(i + 1, line, e.Message);
            }
        }

        return builder.Build();
    }

    private static void AssembleLine(string text, AssemblyBuilder builder)
    {
        var start = 0;
        while (TryReadLabel(text, ref start, out var label))
        {
            builder.DefineLabel(label);
        }

        var cursor = new LineCursor(text[start..]);
        if (cursor.AtEnd || CommonSyntax.TryParseCallOrExit(cursor, builder))
        {
            return;
        }

        if (LlvmSyntaxParser.Recognises(cursor))
        {
            LlvmSyntaxParser.Parse(cursor, builder);
        }
        else
        {
            ClassicSyntaxParser.Parse(cursor, builder);
        }
    }

    /// <summary>Reads <c>name:</c> at <paramref name="start"/> (after whitespace), advancing past it.</summary>
    private static bool TryReadLabel(string text, ref int start, out string label)
    {
        label = "";
        var p = start;
        while (p < text.Length && char.IsWhiteSpace(text[p]))
        {
            p++;
        }

        var nameStart = p;
        if (p >= text.Length || !(char.IsLetter(text[p]) || text[p] is '_' or '.' or '$'))
        {
            return false;
        }

        while (p < text.Length && (char.IsLetterOrDigit(text[p]) || text[p] is '_' or '.' or '$'))
        {
            p++;
        }

        var nameEnd = p;
        while (p < text.Length && text[p] == ' ')
        {
            p++;
        }

        if (p >= text.Length || text[p] != ':')
        {
            return false;
        }

        label = text[nameStart..nameEnd];
        start = p + 1;
        return true;
    }

    private static string StripComment(string line)
    {
        var end = line.Length;
        foreach (var marker in (ReadOnlySpan<string>)["#", ";", "//"])
        {
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0 && at < end)
            {
                end = at;
            }
        }

        return line[..end];
    }
}
