namespace LoadBalancer.Host.Tests.Cli;

[Collection(nameof(ConsoleCapture))]
public sealed class AsmDisasmCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lb-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Asm_then_disasm_prints_the_program_in_llvm_syntax()
    {
        var source = Path.Combine(_dir, "prog.s");
        var binary = Path.Combine(_dir, "prog.bin");
        File.WriteAllText(source, "mov32 %r0, 0\nr1 = *(u32 *)(r1 + 4)\nif r1 > 5 goto +1\nr0 = 2\nexit\n");

        var asm = ConsoleCapture.Run("asm", source, "-o", binary);
        Assert.Equal(0, asm.ExitCode);
        Assert.Equal(40, new FileInfo(binary).Length);

        var disasm = ConsoleCapture.Run("disasm", binary);
        Assert.Equal(0, disasm.ExitCode);
        Assert.Contains("r1 = *(u32 *)(r1 + 4)", disasm.Out);
        Assert.Contains("if r1 > 5 goto +1", disasm.Out);
        Assert.EndsWith("exit", disasm.Out.TrimEnd());
    }

    [Fact]
    public void Asm_reports_a_bad_line_on_stderr_with_exit_code_1()
    {
        var source = Path.Combine(_dir, "bad.s");
        File.WriteAllText(source, "exit\nmov %r50, 1\n");

        var result = ConsoleCapture.Run("asm", source);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("line 2", result.Error);
        Assert.Contains("Invalid register", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void Disasm_refuses_a_file_that_is_not_whole_slots()
    {
        var binary = Path.Combine(_dir, "odd.bin");
        File.WriteAllBytes(binary, new byte[13]);

        var result = ConsoleCapture.Run("disasm", binary);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not a whole number of 8-byte instruction slots", result.Error);
    }
}
