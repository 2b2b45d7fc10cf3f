using LoadBalancer.Ebpf.Text;

namespace LoadBalancer.Ebpf.Tests.Text;

public sealed class ConformanceAssemblyTests
{
    /// <summary>
    /// Negative files whose assembly is valid: they are refused later (by the interpreter or the
    /// test harness), not by the assembler.
    /// </summary>
    private static readonly Dictionary<string, string> SemanticNegatives = new(StringComparer.Ordinal)
    {
        ["error.data"] = "'or %r0, %r10' is valid assembly; the runtime refuses it",
        ["incorrect_return_value_high_bits.data"] = "valid program whose stated result is wrong",
        ["invalid_unknown_directive.data"] = "its asm section is empty; the bad line is read as a section header",
    };

    [Fact]
    public void Every_conformance_program_assembles()
    {
        var dir = ConformanceData.Directory();
        if (dir is null)
        {
            Assert.Skip("../shared/conformance beside the repository root is absent");
        }

        var failures = new List<string>();
        var count = 0;
        foreach (var file in System.IO.Directory.GetFiles(Path.Combine(dir, "tests"), "*.data"))
        {
            if (!ConformanceData.Sections(file).TryGetValue("asm", out var asm))
            {
                continue;
            }

            count++;
            try
            {
                var program = Assembler.Assemble(asm);
                Assert.NotEmpty(program);
            }
            catch (AssemblyException e)
            {
                failures.Add($"{Path.GetFileName(file)}: {e.Message}");
            }
        }

        Assert.True(count > 250, $"only {count} files with an asm section");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void Negative_conformance_programs_with_bad_assembly_are_refused_with_the_expected_fragment()
    {
        var dir = ConformanceData.Directory();
        if (dir is null)
        {
            Assert.Skip("../shared/conformance beside the repository root is absent");
        }

        var checkedFiles = 0;
        foreach (var file in System.IO.Directory.GetFiles(Path.Combine(dir, "negative"), "*.data"))
        {
            var sections = ConformanceData.Sections(file);
            if (!sections.TryGetValue("asm", out var asm) || SemanticNegatives.ContainsKey(Path.GetFileName(file)))
            {
                continue;
            }

            checkedFiles++;
            AssemblyException? e = null;
            try
            {
                Assembler.Assemble(asm);
            }
            catch (AssemblyException caught)
            {
                e = caught;
            }

            Assert.True(e is not null, $"{Path.GetFileName(file)} assembled without error");
            Assert.True(e.LineNumber >= 1, file);
            if (sections.TryGetValue("error", out var fragment) && fragment.Trim().Length > 0)
            {
                Assert.Contains(fragment.Trim(), e.Message, StringComparison.Ordinal);
            }
        }

        Assert.True(checkedFiles >= 10, $"only {checkedFiles} negative files checked");
    }

    [Fact]
    public void Conformance_programs_print_in_llvm_syntax_and_reassemble_to_the_same_slots()
    {
        var dir = ConformanceData.Directory();
        if (dir is null)
        {
            Assert.Skip("../shared/conformance beside the repository root is absent");
        }

        foreach (var file in System.IO.Directory.GetFiles(Path.Combine(dir, "tests"), "*.data"))
        {
            if (!ConformanceData.Sections(file).TryGetValue("asm", out var asm))
            {
                continue;
            }

            var program = Assembler.Assemble(asm);
            var text = new System.Text.StringBuilder();
            for (var i = 0; i < program.Length; i++)
            {
                text.Append(Disassembler.Format(program, i)).Append('\n');
                if (program[i].IsLddw)
                {
                    i++;
                }
            }

            Assert.Equal(program, Assembler.Assemble(text.ToString()));
        }
    }
}
