using System.Globalization;
using System.Text;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Text;

namespace LoadBalancer.Host.Cli;

/// <summary>
/// An <c>llvm-objdump -d -S</c>-like listing of the programs of an object file: a header per section
/// and function, C source lines from BTF line info as <c>; text</c> comments where the line changes,
/// then each instruction with its slot index, bytes and text. Instructions are shown as loaded
/// (relocated: map references as map indices, called subprograms appended).
/// </summary>
internal static class ObjectListing
{
    /// <summary>The listing of every program, or of those in <paramref name="section"/> when given.</summary>
    /// <exception cref="ArgumentException">No program lives in <paramref name="section"/>.</exception>
    public static string Format(BpfObject obj, string? section)
    {
        var text = new StringBuilder();
        string? lastSection = null;
        var found = false;
        foreach (var program in obj.Programs)
        {
            if (section is not null && program.SectionName != section)
            {
                continue;
            }

            found = true;
            if (program.SectionName != lastSection)
            {
                text.Append(CultureInfo.InvariantCulture, $"Disassembly of section {program.SectionName}:\n\n");
                lastSection = program.SectionName;
            }

            AppendProgram(text, program);
        }

        if (!found)
        {
            var sections = new List<string>();
            foreach (var p in obj.Programs)
            {
                if (!sections.Contains(p.SectionName))
                {
                    sections.Add(p.SectionName);
                }
            }

            throw new ArgumentException($"No program in section '{section}' of {obj.Name}; its program sections are: {string.Join(", ", sections)}.");
        }

        return text.ToString().TrimEnd();
    }

    private static void AppendProgram(StringBuilder text, ProgramDefinition program)
    {
        var slots = program.Instructions.AsSpan();
        Span<byte> bytes = stackalloc byte[Instruction.Size];
        var nextFunction = 0;
        SourceLine? lastLine = null;
        var lineIndex = 0;
        if (program.FuncInfo.Count == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{0:x16} <{program.Name}>:\n");
        }

        for (var i = 0; i < slots.Length; i++)
        {
            while (nextFunction < program.FuncInfo.Count && program.FuncInfo[nextFunction].InstructionIndex <= i)
            {
                var function = program.FuncInfo[nextFunction++];
                text.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : "\n")}{(long)i * Instruction.Size:x16} <{function.Name}>:\n");
            }

            // A line-info record starts a statement; print its source text when it is a new line.
            while (lineIndex < program.LineInfo.Count && program.LineInfo[lineIndex].InstructionIndex <= i)
            {
                var line = program.LineInfo[lineIndex++];
                if (line.InstructionIndex == i && line.Line != 0 && (lastLine is null || line.Line != lastLine.Line || line.FileName != lastLine.FileName))
                {
                    text.Append("; ").Append(line.Text.TrimEnd()).Append('\n');
                    lastLine = line;
                }
            }

            var insn = Disassembler.Format(slots, i);
            var count = slots[i].IsLddw && i + 1 < slots.Length && !insn.StartsWith('<') ? 2 : 1;
            text.Append(CultureInfo.InvariantCulture, $"{i,8}:\t");
            for (var s = 0; s < count; s++)
            {
                slots[i + s].Write(bytes);
                foreach (var b in bytes)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{b:x2} ");
                }
            }

            text.Length--;
            text.Append('\t').Append(insn).Append('\n');
            i += count - 1;
        }

        text.Append('\n');
    }
}
