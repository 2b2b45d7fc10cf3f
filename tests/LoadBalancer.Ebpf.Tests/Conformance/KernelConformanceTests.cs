using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Tests.Execution;
using LoadBalancer.Ebpf.Text;

namespace LoadBalancer.Ebpf.Tests.Conformance;

/// <summary>
/// The conformance programs that need no input memory, run in the kernel (XDP test run) and in the
/// interpreter: where the kernel's verifier accepts one, both must return the same low 32 bits of r0.
/// r0-r9 are zeroed by a prologue in both, since the kernel's r1 is its own context pointer.
/// </summary>
public sealed class KernelConformanceTests
{
    [Fact]
    public void Conformance_programs_the_kernel_accepts_return_what_the_interpreter_returns()
    {
        if (!KernelBpf.IsAvailable)
        {
            Assert.Skip(KernelBpf.UnavailableReason);
        }

        var folder = ConformanceFile.Folder("tests");
        if (folder is null)
        {
            Assert.Skip("../shared/conformance/tests is not present beside the repository root.");
        }

        var compared = 0;
        var mismatches = new List<string>();
        foreach (var path in Directory.GetFiles(folder, "*.data").Order(StringComparer.Ordinal))
        {
            var data = ConformanceFile.Load(path);
            if (data["asm"] is not { } asm || data.Bytes("mem").Length != 0 || asm.Contains("call", StringComparison.Ordinal))
            {
                continue; // needs memory, or calls (the kernel's time differs; callx does not exist there)
            }

            Instruction[] slots = [.. Zeroing(), .. Assembler.Assemble(asm)];
            var ours = TestRunner.Run(slots, helpers: new HelperTable());
            KernelProgram program;
            try
            {
                program = KernelProgram.Load(KernelProgram.XdpProgramType, slots);
            }
            catch (KernelVerifierException)
            {
                continue;
            }

            using (program)
            {
                program.TestRun(new byte[64], [], 1, out var retval, out _, out _);
                compared++;
                if (!ours.Succeeded || (uint)ours.ReturnValue != retval)
                {
                    mismatches.Add($"{data.Name}: interpreter {ours}, kernel 0x{retval:x8}");
                }
            }
        }

        Assert.Empty(mismatches);
        Assert.True(compared >= 250, $"only {compared} conformance programs were compared with the kernel");
        TestContext.Current.SendDiagnosticMessage($"{compared} conformance programs agree with the kernel");
    }

    private static Instruction[] Zeroing()
    {
        var slots = new Instruction[10];
        for (byte reg = 0; reg < 10; reg++)
        {
            slots[reg] = Asm.Mov64(reg, 0);
        }

        return slots;
    }
}
