using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.ProgramTypes;
using LoadBalancer.Ebpf.Text;

namespace LoadBalancer.Dataplane.Tests;

/// <summary>Hand-assembled XDP programs (llvm-objdump syntax) for the runtime and for the kernel.</summary>
internal static class XdpTestPrograms
{
    public static HelperTable Helpers() => XdpHelpers.Register(HelperTable.CreateDefault());

    public static BpfProgram Program(Instruction[] slots, HelperTable? helpers = null) =>
        new(slots, helpers ?? Helpers(), name: "test") { ContextLayout = XdpContextLayout.Instance };

    public static BpfProgram Assemble(string source) => Program(Assembler.Assemble(source));

    /// <summary>Calls helper <paramref name="helperId"/>(ctx, <paramref name="delta"/>) and returns its r0 (the kernel's retval is its low 32 bits).</summary>
    public static Instruction[] CallWithDelta(int helperId, int delta) => Assembler.Assemble($"""
        r2 = {delta}
        call {helperId}
        exit
        """);

    public static void RequireKernel()
    {
        if (!KernelBpf.IsAvailable)
        {
            Assert.Skip(KernelBpf.UnavailableReason ?? "bpf() is not available");
        }
    }
}
