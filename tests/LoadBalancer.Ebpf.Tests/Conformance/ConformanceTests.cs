using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Text;
using LoadBalancer.Ebpf.Validation;

namespace LoadBalancer.Ebpf.Tests.Conformance;

/// <summary>
/// The BPF conformance suite (../shared/conformance): every program in tests/ assembles (or decodes),
/// validates and runs in the interpreter to the stated r0; every input in negative/ ends in an error
/// at some stage.
/// </summary>
public sealed unsafe class ConformanceTests
{
    public static TheoryData<string> PositiveFiles() => Files("tests");

    public static TheoryData<string> NegativeFiles() => Files("negative");

    [Theory]
    [MemberData(nameof(PositiveFiles))]
    public void Conformance_program_gives_the_expected_result(string file)
    {
        var folder = RequireFolder("tests");
        var data = ConformanceFile.Load(Path.Combine(folder, file));
        var outcome = Execute(data);
        var expected = data.Result();
        if (data["error"] is not null)
        {
            Assert.NotEqual(Stage.Ran, outcome.Stage);
            return;
        }

        Assert.True(outcome.Stage == Stage.Ran, $"{file}: {outcome.Detail}");
        Assert.True(expected.HasValue, $"{file} has no -- result section");
        Assert.True(expected.Value == outcome.Result.ReturnValue, $"{file}: r0 = 0x{outcome.Result.ReturnValue:x}, expected 0x{expected.Value:x}");
    }

    [Theory]
    [MemberData(nameof(NegativeFiles))]
    public void Negative_input_ends_in_an_error(string file)
    {
        var folder = RequireFolder("negative");
        var data = ConformanceFile.Load(Path.Combine(folder, file));
        var outcome = Execute(data);
        var expected = data.Result();
        var refused = outcome.Stage != Stage.Ran
            || (expected.HasValue && expected.Value != outcome.Result.ReturnValue)
            || (!expected.HasValue && data["error"] is not null);
        Assert.True(refused, $"{file} was accepted and ran to r0 = 0x{outcome.Result.ReturnValue:x}");
        TestContext.Current.SendDiagnosticMessage($"{file}: {outcome.Stage}: {outcome.Detail}");
    }

    private static Outcome Execute(ConformanceFile data)
    {
        Instruction[] slots;
        var asm = data["asm"];
        var raw = data["raw"];
        if (asm is not null)
        {
            try
            {
                slots = Assembler.Assemble(asm);
            }
            catch (AssemblyException e)
            {
                return new Outcome(Stage.Assembly, default, e.Message);
            }

            if (raw is not null)
            {
                Assert.Equal(data.Bytes("raw"), Instruction.Encode(slots));
            }
        }
        else if (raw is not null)
        {
            var bytes = data.Bytes("raw");
            if (bytes.Length % Instruction.Size != 0)
            {
                return new Outcome(Stage.Decode, default, $"{bytes.Length} bytes is not whole instructions");
            }

            slots = Instruction.Decode(bytes);
        }
        else
        {
            var sections = string.Join(", ", data.SectionNames);
            return new Outcome(Stage.NoProgram, default, $"no -- asm or -- raw section (sections: {sections})");
        }

        BpfProgram program;
        try
        {
            program = new BpfProgram(slots, HelperTable.CreateDefault());
        }
        catch (BytecodeException e)
        {
            return new Outcome(Stage.Validation, default, e.Message);
        }

        var memory = data.Bytes("mem");
        var buffer = NativeMemory.AlignedAlloc((nuint)Math.Max(memory.Length, 1), 64);
        try
        {
            memory.CopyTo(new Span<byte>(buffer, memory.Length));
            using var context = new RunContext { InstructionBudget = 10_000_000 };
            context.SetContext((nint)buffer, memory.Length);
            var result = Interpreter.Run(program, context);
            return result.Succeeded
                ? new Outcome(Stage.Ran, result, result.ToString())
                : new Outcome(Stage.Fault, result, result.ToString());
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

    private static string RequireFolder(string sub)
    {
        var folder = ConformanceFile.Folder(sub);
        if (folder is null)
        {
            Assert.Skip($"../shared/conformance/{sub} is not present beside the repository root.");
        }

        return folder;
    }

    private enum Stage
    {
        NoProgram,
        Assembly,
        Decode,
        Validation,
        Fault,
        Ran,
    }

    private readonly record struct Outcome(Stage Stage, RunResult Result, string Detail);
}
