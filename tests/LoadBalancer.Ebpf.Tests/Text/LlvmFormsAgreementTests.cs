using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Text;

namespace LoadBalancer.Ebpf.Tests.Text;

/// <summary>
/// Every generated instruction form against llvm-14 itself: llvm-objdump's text for the bytes, and
/// llvm-mc's encoding of our text wherever llvm-mc-14 accepts it.
/// </summary>
public sealed partial class LlvmFormsAgreementTests
{
    [Fact]
    public void Every_form_llvm_objdump_decodes_prints_exactly_as_llvm_objdump_prints_it()
    {
        var mc = LlvmTools.Find("llvm-mc-14");
        var objdump = LlvmTools.Find("llvm-objdump-14", "llvm-objdump");
        if (mc is null || objdump is null)
        {
            Assert.Skip("llvm-mc-14 or llvm-objdump is not installed");
        }

        var forms = InstructionForms.All().ToList();
        var program = forms.SelectMany(f => f).ToArray();
        var source = new StringBuilder(".text\n");
        foreach (var form in forms)
        {
            var bytes = Instruction.Encode(form);
            source.Append(".byte ").AppendJoin(',', bytes.Select(b => $"0x{b:x2}")).Append('\n');
        }

        var temp = Directory.CreateTempSubdirectory("lb-forms-");
        try
        {
            var asm = Path.Combine(temp.FullName, "forms.s");
            var obj = Path.Combine(temp.FullName, "forms.o");
            File.WriteAllText(asm, source.ToString());
            LlvmTools.Run(mc, "-triple", "bpfel", "-filetype=obj", asm, "-o", obj);
            var agreed = 0;
            var failures = new List<string>();
            foreach (var (index, theirs) in LlvmObjdumpAgreementTests.ObjdumpLines(LlvmTools.Run(objdump, "-d", "--no-show-raw-insn", obj)))
            {
                var ours = Disassembler.Format(program, index);
                if (LlvmObjdumpAgreementTests.Normalise(ours) == theirs)
                {
                    agreed++;
                }
                else if (!Llvm14Deviations.Explains(program[index], theirs, ours))
                {
                    failures.Add($"{program[index]}: ours \"{ours}\", llvm-objdump \"{theirs}\"");
                }
            }

            Assert.True(failures.Count == 0, string.Join('\n', failures));
            Assert.True(agreed > 300, $"only {agreed} forms agreed");
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public void Llvm_mc_encodes_our_text_to_our_slots_wherever_it_accepts_the_text()
    {
        var mc = LlvmTools.Find("llvm-mc-14");
        if (mc is null)
        {
            Assert.Skip("llvm-mc-14 is not installed");
        }

        var forms = InstructionForms.All().ToList();
        var texts = forms.Select(f => Disassembler.Format(f, 0)).ToList();
        var temp = Directory.CreateTempSubdirectory("lb-mc-");
        try
        {
            // First pass: which lines llvm-mc-14 refuses (v4 ISA and kernel-only spellings).
            var all = Path.Combine(temp.FullName, "all.s");
            File.WriteAllLines(all, texts);
            var refused = new HashSet<int>();
            foreach (Match match in ErrorLine().Matches(LlvmTools.RunUnchecked(mc, "-triple", "bpfel", "-show-encoding", all).Stderr))
            {
                refused.Add(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) - 1);
            }

            // llvm-mc writes "call N" as a helper call always; objdump prints local calls the same way,
            // and this assembler reads a negative N as the local call objdump means.
            var accepted = Enumerable.Range(0, forms.Count)
                .Where(i => !refused.Contains(i) && !(forms[i][0].Code == (Opcode.ClassJmp | Opcode.Call) && forms[i][0].Src != 0))
                .ToList();
            var subset = Path.Combine(temp.FullName, "accepted.s");
            File.WriteAllLines(subset, accepted.Select(i => texts[i]));
            var encodings = EncodingLine().Matches(LlvmTools.Run(mc, "-triple", "bpfel", "-show-encoding", subset));
            Assert.Equal(accepted.Count, encodings.Count);
            for (var k = 0; k < accepted.Count; k++)
            {
                var theirs = encodings[k].Groups[1].Value.Split(',').Select(b => Convert.ToByte(b.Trim(), 16)).ToArray();
                var form = forms[accepted[k]];
                Assert.True(theirs.AsSpan().SequenceEqual(Instruction.Encode(form)), $"\"{texts[accepted[k]]}\": llvm-mc {encodings[k].Groups[1].Value}, ours {form[0]}");
            }

            Assert.True(accepted.Count > 300, $"llvm-mc accepted only {accepted.Count} lines");
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"\.s:(\d+):\d+: error")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"# encoding: \[([^\]]*)\]")]
    private static partial Regex EncodingLine();
}
