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
    /// <summary>Drops UDP to port 53, swaps the MACs and transmits TCP, passes everything else.</summary>
    public const string Classifier = """
        r0 = 1
        r2 = *(u32 *)(r1 + 0)
        r3 = *(u32 *)(r1 + 4)
        r4 = r2
        r4 += 38
        if r4 > r3 goto out
        r0 = 2
        r5 = *(u8 *)(r2 + 23)
        if r5 == 6 goto tcp
        if r5 != 17 goto out
        r5 = *(u16 *)(r2 + 36)
        if r5 != 0x3500 goto out
        r0 = 1
        goto out
        tcp:
        r5 = *(u32 *)(r2 + 0)
        r6 = *(u16 *)(r2 + 4)
        r7 = *(u32 *)(r2 + 6)
        r8 = *(u16 *)(r2 + 10)
        *(u32 *)(r2 + 0) = r7
        *(u16 *)(r2 + 4) = r8
        *(u32 *)(r2 + 6) = r5
        *(u16 *)(r2 + 10) = r6
        r0 = 3
        out:
        exit
        """;

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
