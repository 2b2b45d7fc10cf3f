using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Text;

namespace LoadBalancer.Ebpf.Tests.Text;

public sealed class RoundTripTests
{
    [Fact]
    public void Every_instruction_form_survives_disassembly_and_reassembly()
    {
        var failures = new List<string>();
        var count = 0;
        foreach (var program in InstructionForms.All())
        {
            count++;
            var text = Disassembler.Format(program, 0);
            try
            {
                var back = Assembler.Assemble(text);
                if (!back.AsSpan().SequenceEqual(program))
                {
                    failures.Add($"{program[0]} -> \"{text}\" -> {string.Join(", ", back)}");
                }
            }
            catch (AssemblyException e)
            {
                failures.Add($"{program[0]} -> \"{text}\" -> {e.Message}");
            }
        }

        Assert.True(count > 500, $"only {count} forms generated");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void Random_slots_print_as_unknown_or_reassemble_to_the_same_slots()
    {
        var random = new Random(9669);
        Span<byte> bytes = stackalloc byte[16];
        var printed = 0;
        for (var i = 0; i < 50_000; i++)
        {
            random.NextBytes(bytes);
            // Bias towards plausible fields so that most slots are valid instructions.
            bytes[1] = (byte)(random.Next(11) | (random.Next(11) << 4));
            if (random.Next(2) == 0)
            {
                bytes[2] = bytes[3] = 0;
            }

            if (random.Next(3) == 0)
            {
                bytes[4] = bytes[5] = bytes[6] = bytes[7] = 0;
            }

            bytes[8..].Clear();
            bytes[12] = (byte)random.Next(3);
            var program = Instruction.Decode(bytes);
            var text = Disassembler.Format(program, 0);
            if (text.StartsWith("<unknown 0x", StringComparison.Ordinal))
            {
                continue;
            }

            printed++;
            var expected = program[0].IsLddw ? program : program[..1];
            var back = Assembler.Assemble(text);
            Assert.True(back.AsSpan().SequenceEqual(expected), $"{program[0]} -> \"{text}\" -> {string.Join(", ", back)}");
        }

        Assert.True(printed > 2_000, $"only {printed} random slots were valid instructions");
    }

    [Fact]
    public void Invalid_opcodes_print_as_unknown_with_their_opcode()
    {
        Instruction[] program = [new(0xff, 0, 0, 0, 0), new(Opcode.ClassJmp | Opcode.Exit, 1, 0, 0, 0), new(Opcode.Lddw, 0, 0, 0, 0)];
        Assert.Equal("<unknown 0xff>", Disassembler.Format(program, 0));
        Assert.Equal("<unknown 0x95>", Disassembler.Format(program, 1));
        Assert.Equal("<unknown 0x18>", Disassembler.Format(program, 2));
    }

    [Fact]
    public void Listing_shows_index_bytes_and_text_with_lddw_on_one_line()
    {
        var program = Assembler.Assemble("r0 = 0x1122334455667788 ll\nexit");
        var lines = Disassembler.Disassemble(program).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("0:\t18 00 00 00 88 77 66 55 00 00 00 00 44 33 22 11\tr0 = 1234605616436508552 ll", lines[0].Trim());
        Assert.StartsWith("2:\t95 00", lines[1].Trim(), StringComparison.Ordinal);
    }
}
