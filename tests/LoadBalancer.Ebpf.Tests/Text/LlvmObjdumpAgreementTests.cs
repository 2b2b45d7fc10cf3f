using System.Text;
using System.Text.RegularExpressions;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Text;

namespace LoadBalancer.Ebpf.Tests.Text;

/// <summary>
/// Compiles the C programs in <c>programs/</c> with clang-14 and compares the disassembler with
/// llvm-objdump line by line, then assembles objdump's own text and requires the same bytes.
/// </summary>
public sealed partial class LlvmObjdumpAgreementTests
{
    [Fact]
    public void Disassembly_matches_llvm_objdump_and_objdump_text_assembles_to_the_same_bytes()
    {
        var clang = LlvmTools.Find("clang-14");
        var objdump = LlvmTools.Find("llvm-objdump-14", "llvm-objdump");
        var objcopy = LlvmTools.Find("llvm-objcopy-14", "llvm-objcopy");
        if (clang is null || objdump is null || objcopy is null)
        {
            Assert.Skip("clang-14, llvm-objdump or llvm-objcopy is not installed");
        }

        var programs = Directory.GetFiles(Path.Combine(LlvmTools.RepositoryRoot(), "tests", "LoadBalancer.Ebpf.Tests", "Text", "programs"), "*.c");
        Assert.True(programs.Length >= 5, "the C programs are missing");
        var temp = Directory.CreateTempSubdirectory("lb-text-");
        try
        {
            var compared = 0;
            foreach (var source in programs)
            {
                foreach (var cpu in CpusOf(source))
                {
                    var obj = Path.Combine(temp.FullName, $"{Path.GetFileNameWithoutExtension(source)}.{cpu}.o");
                    LlvmTools.Run(clang, "-O2", "-target", "bpf", $"-mcpu={cpu}", "-c", source, "-o", obj);
                    foreach (var section in CodeSections(objdump, obj))
                    {
                        compared += CompareSection(objdump, objcopy, obj, section, $"{Path.GetFileName(source)} -mcpu={cpu} [{section}]");
                    }
                }
            }

            Assert.True(compared > 100, $"only {compared} instructions compared");
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    private static int CompareSection(string objdump, string objcopy, string obj, string section, string where)
    {
        var bin = obj + "." + section.Replace('/', '_') + ".bin";
        LlvmTools.Run(objcopy, "-O", "binary", $"--only-section={section}", obj, bin);
        var program = Instruction.Decode(File.ReadAllBytes(bin));
        var reassembly = new StringBuilder();
        var compared = 0;
        foreach (var (index, theirs) in ObjdumpLines(LlvmTools.Run(objdump, "-d", "--no-show-raw-insn", $"--section={section}", obj)))
        {
            var ours = Disassembler.Format(program, index);
            if (Llvm14Deviations.Explains(program[index], theirs, ours))
            {
                // llvm-14's text is wrong or ambiguous here; reassemble from ours instead.
                reassembly.Append(ours).Append('\n');
                continue;
            }

            Assert.True(Normalise(ours) == theirs, $"{where} at {index}: ours \"{ours}\", llvm-objdump \"{theirs}\"");
            reassembly.Append(theirs).Append('\n');
            compared++;
        }

        var assembled = Assembler.Assemble(reassembly.ToString());
        Assert.True(assembled.AsSpan().SequenceEqual(program), $"{where}: objdump text did not assemble to the section bytes");
        return compared;
    }

    internal static IEnumerable<(int Index, string Text)> ObjdumpLines(string output)
    {
        foreach (var line in output.Split('\n'))
        {
            var match = InstructionLine().Match(line);
            if (match.Success)
            {
                var text = SymbolAnnotation().Replace(match.Groups[2].Value, "");
                yield return (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Normalise(text));
            }
        }
    }

    private static IEnumerable<string> CodeSections(string objdump, string obj)
    {
        foreach (var line in LlvmTools.Run(objdump, "-h", obj).Split('\n'))
        {
            var match = SectionLine().Match(line);
            if (match.Success && Convert.ToInt64(match.Groups[2].Value, 16) > 0)
            {
                yield return match.Groups[1].Value;
            }
        }
    }

    private static string[] CpusOf(string source)
    {
        var header = File.ReadLines(source).First(l => l.StartsWith("// cpus:", StringComparison.Ordinal));
        return header["// cpus:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    internal static string Normalise(string text) => Whitespace().Replace(text.Trim(), " ");

    [GeneratedRegex(@"^\s*(\d+):\s+(.*)$")]
    private static partial Regex InstructionLine();

    [GeneratedRegex(@"\s+<[^<>\s]+>\s*$")]
    private static partial Regex SymbolAnnotation();

    [GeneratedRegex(@"^\s*\d+\s+(\S+)\s+([0-9a-fA-F]+)\s+[0-9a-fA-F]+\s+TEXT")]
    private static partial Regex SectionLine();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
