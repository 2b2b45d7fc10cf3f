using System.Globalization;
using System.Text;
using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Text;

/// <summary>
/// Prints instructions the way llvm-objdump-14 does (<c>r0 = *(u32 *)(r1 + 4)</c>,
/// <c>if r1 &gt; r2 goto +1</c>, <c>r0 = 1311768467463790320 ll</c>). Instructions llvm-14 cannot
/// print (the v4 ISA, 32-bit atomics, <c>BPF_ST</c>, <c>jset</c>, <c>mod</c>) use the kernel's / RFC 9669
/// spelling, and where llvm-14's text is ambiguous (a local call <c>call 5</c>, a map
/// <c>ld_pseudo</c> with an offset) the text is made exact so that <see cref="Assembler"/> reads
/// back the same slots. Anything that is not a valid instruction prints as <c>&lt;unknown 0xNN&gt;</c>.
/// </summary>
public static class Disassembler
{
    /// <summary>The text of the instruction at <paramref name="index"/> (an lddw reads the next slot too).</summary>
    public static string Format(ReadOnlySpan<Instruction> program, int index)
    {
        if ((uint)index >= (uint)program.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The program has {program.Length} slots.");
        }

        var insn = program[index];
        var text = insn.Class switch
        {
            Opcode.ClassAlu or Opcode.ClassAlu64 => AluFormatter.Format(insn),
            Opcode.ClassJmp or Opcode.ClassJmp32 => JumpFormatter.Format(insn),
            Opcode.ClassLd => MemoryFormatter.FormatLd(program, index),
            _ => MemoryFormatter.Format(insn),
        };
        return text ?? Unknown(insn);
    }

    /// <summary>
    /// A listing like <c>llvm-objdump -d</c>: one line per instruction with its slot index, its bytes
    /// and its text (an lddw takes one line with 16 bytes).
    /// </summary>
    public static string Disassemble(ReadOnlySpan<Instruction> program)
    {
        var listing = new StringBuilder();
        Span<byte> bytes = stackalloc byte[Instruction.Size];
        for (var i = 0; i < program.Length; i++)
        {
            var text = Format(program, i);
            var slots = program[i].IsLddw && i + 1 < program.Length && !text.StartsWith('<') ? 2 : 1;
            listing.Append(CultureInfo.InvariantCulture, $"{i,8}:\t");
            for (var s = 0; s < slots; s++)
            {
                program[i + s].Write(bytes);
                foreach (var b in bytes)
                {
                    listing.Append(CultureInfo.InvariantCulture, $"{b:x2} ");
                }
            }

            listing.Length--;
            listing.Append('\t').Append(text).Append('\n');
            i += slots - 1;
        }

        return listing.ToString();
    }

    /// <summary>The text for an opcode that is not a valid instruction.</summary>
    internal static string Unknown(Instruction insn) => $"<unknown 0x{insn.Code:x2}>";

    /// <summary>A register name: <c>r1</c> or, for 32-bit operations, <c>w1</c>.</summary>
    internal static string Register(byte register, bool wide) => (wide ? "r" : "w") + register.ToString(CultureInfo.InvariantCulture);

    /// <summary>A signed decimal number.</summary>
    internal static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A signed distance with its sign always shown: <c>+2</c>, <c>+0</c>, <c>-3</c>.</summary>
    internal static string Signed(long value) => (value >= 0 ? "+" : "") + Number(value);

    /// <summary><c>r1 + 4</c> / <c>r1 - 3</c>.</summary>
    internal static string BaseOffset(byte register, short offset) =>
        $"r{register} {(offset < 0 ? '-' : '+')} {Math.Abs((int)offset)}";
}
