using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Text;

namespace LoadBalancer.Ebpf.Tests.Text;

public sealed class AssemblerTests
{
    [Fact]
    public void Both_syntaxes_may_be_mixed_line_by_line_and_give_the_same_slots()
    {
        var classic = Assembler.Assemble("""
            mov32 %r0, 0
            ldxw %r2, [%r1+4]
            lddw %r3, 0x123456789abcdef0
            stxdw [%r10-8], %r3
            stw [%r10-16], -5
            lock fetch add [%r10-8], %r2
            jgt %r2, %r0, +1
            exit
            """);
        var mixed = Assembler.Assemble("""
            w0 = 0               ; llvm
            ldxw %r2, [%r1+4]    # classic
            r3 = 0x123456789abcdef0 ll
            *(u64 *)(r10 - 8) = r3
            stw [%r10-16], -5
            r2 = atomic_fetch_add((u64 *)(r10 - 8), r2)
            if r2 > r0 goto +1   // llvm
            exit
            """);
        Assert.Equal(classic, mixed);
    }

    [Fact]
    public void Label_jumps_count_lddw_as_two_slots()
    {
        var labelled = Assembler.Assemble("""
            start:
                jeq %r1, 0, done
                lddw %r0, 1
            back: mov %r0, 2
                ja32 done
                call local start
                goto back
            done:
                exit
            """);
        var numeric = Assembler.Assemble("""
            if r1 == 0 goto +6
            r0 = 1 ll
            r0 = 2
            gotol +2
            call -6
            goto -4
            exit
            """);
        Assert.Equal(numeric, labelled);
    }

    [Theory]
    [InlineData("mov32 %r0, 0xffffffff", -1)]
    [InlineData("mov32 %r0, -2147483648", int.MinValue)]
    [InlineData("w0 = 2147483647", int.MaxValue)]
    public void Immediates_accept_signed_values_and_hex_bit_patterns(string line, int imm)
    {
        Assert.Equal(imm, Assembler.Assemble(line)[0].Imm);
    }

    [Theory]
    [InlineData("mov32 %r0, 2147483648", "does not fit in 32 bits")]
    [InlineData("mov32 %r0, 0x100000000", "does not fit in 32 bits")]
    [InlineData("or %r0, %r50", "Invalid register")]
    [InlineData("r11 = 1", "Invalid register")]
    [InlineData("ldxb %r0, [%r1+0x10000]", "does not fit in 16 bits")]
    [InlineData("ldxb %r0, %r1", "memory operand")]
    [InlineData("lddw %r0", "Invalid number of operands for lddw")]
    [InlineData("add32 %r0", "Invalid number of operands for add32")]
    [InlineData("jeq32 %r1, 1", "Invalid number of operands for jeq32")]
    [InlineData("lock", "Invalid number of operands for lock")]
    [InlineData("r0 = cmpxchg_64(r1 + 0, r2, r3)", "destination register")]
    [InlineData("ldxq %r0, [%r1]", "Invalid mnemonic")]
    [InlineData("lock or [%r10-8]", "Invalid number of operands for lock")]
    [InlineData("ja NOT_A_LABEL", "Unknown label 'NOT_A_LABEL'")]
    [InlineData("r0 = *(u32 *)(r1 + 4", "Expected ')'")]
    [InlineData("if r1 <> r2 goto +1", "Invalid comparison")]
    [InlineData("w0 = 1 ll", "Invalid register")]
    [InlineData("r0 = -r1", "Negation")]
    public void Bad_lines_are_refused_with_the_line_number_and_reason(string line, string fragment)
    {
        var e = Assert.Throws<AssemblyException>(() => Assembler.Assemble($"mov %r0, 0\n{line}\nexit"));
        Assert.Equal(2, e.LineNumber);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Contains(line, e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<EbpfException>(e);
    }

    [Fact]
    public void Negative_call_distances_are_local_calls_and_others_helpers()
    {
        var program = Assembler.Assemble("call -3\ncall 5\ncall pc+2\ncall %r2\ncallx r3\ncall kfunc 7");
        Assert.Equal(
            [CallKind.Local, CallKind.Helper, CallKind.Local, CallKind.Helper, CallKind.Helper, CallKind.Kfunc],
            program.Select(i => (CallKind)i.Src));
        Assert.Equal(Opcode.ClassJmp | Opcode.Call | Opcode.SourceX, program[3].Code);
        Assert.Equal(2, program[3].Dst);
        Assert.Equal(3, program[4].Dst);
    }

    [Fact]
    public void Kernel_log_spellings_read_the_same_as_llvm_objdump_spellings()
    {
        var kernel = Assembler.Assemble("""
            r0 = *(u32 *)(r1 +4)
            *(u64 *)(r10 -8) = r0
            if r0 > 0x5 goto pc+2
            goto pc-1
            gotol pc+3
            r0 = atomic64_fetch_add((u64 *)(r10 -8), r0)
            call pc+0
            exit
            """);
        var llvm = Assembler.Assemble("""
            r0 = *(u32 *)(r1 + 4)
            *(u64 *)(r10 - 8) = r0
            if r0 > 5 goto +2
            goto -1
            gotol +3
            r0 = atomic_fetch_add((u64 *)(r10 - 8), r0)
            call local next
            next: exit
            """);
        Assert.Equal(llvm, kernel);
    }

    [Fact]
    public void Empty_text_and_comment_only_lines_give_an_empty_program()
    {
        Assert.Empty(Assembler.Assemble(""));
        Assert.Empty(Assembler.Assemble("# nothing\n  ; here\n// either\n"));
    }

    [Fact]
    public void Mangled_lines_fail_only_with_AssemblyException()
    {
        var lines = InstructionForms.All().Select(f => Disassembler.Format(f, 0)).ToList();
        lines.AddRange(["ldxb %r0, [%r1+0x2]", "lock fetch add32 [%r10-8], %r1", "movsx1632 %r4, %r3", "jne32 %r2, 0xffffff80, +1", "call local f"]);
        const string alphabet = "rw%[]()*+-,=<>&|^!s0123456789x lfu #:;/";
        var random = new Random(7);
        var refused = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var chars = lines[random.Next(lines.Count)].ToCharArray().ToList();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(chars.Count + 1);
                switch (random.Next(3))
                {
                    case 0 when at < chars.Count:
                        chars.RemoveAt(at);
                        break;
                    case 1:
                        chars.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                    default:
                        if (at < chars.Count)
                        {
                            chars[at] = alphabet[random.Next(alphabet.Length)];
                        }

                        break;
                }
            }

            try
            {
                Assembler.Assemble(new string([.. chars]));
            }
            catch (AssemblyException)
            {
                refused++;
            }
        }

        Assert.True(refused > 5_000, $"only {refused} of the mangled lines were refused");
    }
}
