using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Jit;
using LoadBalancer.Ebpf.Tests.Conformance;
using LoadBalancer.Ebpf.Text;
using LoadBalancer.Ebpf.Validation;

namespace LoadBalancer.Ebpf.Tests.Jit;

/// <summary>
/// The whole BPF conformance suite through the JIT: every program that validates gives the stated
/// r0, and the same result (status, r0, instruction, count, fault address) and memory as the interpreter.
/// </summary>
public sealed unsafe class JitConformanceTests
{
    public static TheoryData<string> PositiveFiles() => Files("tests");

    [Theory]
    [MemberData(nameof(PositiveFiles))]
    public void Conformance_program_gives_the_expected_result_and_matches_the_interpreter(string file)
    {
        var folder = ConformanceFile.Folder("tests");
        if (folder is null)
        {
            Assert.Skip("../shared/conformance/tests is not present beside the repository root.");
        }

        var data = ConformanceFile.Load(Path.Combine(folder, file));
        Instruction[] slots;
        try
        {
            slots = data["asm"] is { } asm ? Assembler.Assemble(asm) : Instruction.Decode(data.Bytes("raw"));
        }
        catch (Exception e) when (e is AssemblyException or ArgumentException)
        {
            Assert.NotNull(data["error"]);
            return;
        }

        BpfProgram program;
        try
        {
            program = new BpfProgram(slots, HelperTable.CreateDefault());
        }
        catch (BytecodeException)
        {
            Assert.NotNull(data["error"]);
            return;
        }

        var memory = data.Bytes("mem");
        var (interpreted, interpretedMemory) = Run(memory, context => Interpreter.Run(program, context));
        var jit = JitCompiler.Compile(program);
        var (jitted, jittedMemory) = Run(memory, jit.Run);
        JitAssert.SameResult(interpreted, jitted, file);
        Assert.Equal(interpretedMemory, jittedMemory);
        if (data["error"] is null && data.Result() is { } expected)
        {
            Assert.True(jitted.Succeeded, $"{file}: {jitted}");
            Assert.Equal(expected, jitted.ReturnValue);
        }
    }

    private static (RunResult Result, byte[] Memory) Run(byte[] memory, Func<RunContext, RunResult> run)
    {
        var buffer = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(memory.Length, 1), 64);
        try
        {
            memory.CopyTo(new Span<byte>(buffer, memory.Length));
            using var context = new RunContext { InstructionBudget = 10_000_000 };
            context.SetContext((nint)buffer, memory.Length);
            context.SetPacket((nint)buffer, memory.Length);
            var result = run(context);
            return (result, new Span<byte>(buffer, memory.Length).ToArray());
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    private static TheoryData<string> Files(string sub)
    {
        var data = new TheoryData<string>();
        var folder = ConformanceFile.Folder(sub);
        if (folder is null)
        {
            data.Add("(conformance folder absent)");
            return data;
        }

        foreach (var file in Directory.GetFiles(folder, "*.data").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }
}
