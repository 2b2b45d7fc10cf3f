using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Tests.Conformance;
using LoadBalancer.Ebpf.Validation;

namespace LoadBalancer.Ebpf.Tests.Validation;

/// <summary>The conformance suite's raw "unused field must be zero" cases, straight from its data files.</summary>
public sealed class UnusedFieldConformanceTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        var folder = ConformanceFile.Folder("negative");
        if (folder is null)
        {
            data.Add("(conformance folder absent)");
            return data;
        }

        foreach (var file in Directory.GetFiles(folder, "unused-*.data").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_unused_field_case_is_rejected_at_its_instruction(string file)
    {
        var folder = ConformanceFile.Folder("negative");
        if (folder is null)
        {
            Assert.Skip("../shared/conformance/negative is not present beside the repository.");
        }

        var data = ConformanceFile.Load(Path.Combine(folder, file));
        var slots = Instruction.Decode(data.Bytes("raw"));
        var e = Assert.Throws<BytecodeException>(() => BytecodeValidator.Validate(slots, HelperTable.CreateDefault()));
        Assert.Equal(0, e.InstructionIndex);
        Assert.Contains("at PC 0", e.Message);
    }
}
