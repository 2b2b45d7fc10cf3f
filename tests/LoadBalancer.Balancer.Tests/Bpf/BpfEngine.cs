namespace LoadBalancer.Balancer.Tests.Bpf;

/// <summary>Where a fixture runs the committed programs: the Linux kernel (the reference) or the project's runtime.</summary>
public enum BpfEngine
{
    /// <summary>bpf(2): BPF_PROG_LOAD + BPF_PROG_TEST_RUN (skipped where unavailable).</summary>
    Kernel,

    /// <summary>LoadedObject + XdpProgramRunner with the interpreter engine.</summary>
    Interpreter,

    /// <summary>LoadedObject + XdpProgramRunner with the JIT engine (verified program: proven accesses unchecked, map lookups specialised).</summary>
    Jit,
}
