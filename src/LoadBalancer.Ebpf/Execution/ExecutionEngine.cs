namespace LoadBalancer.Ebpf.Execution;

/// <summary>Which engine runs programs (<c>lb run --engine interpreter|jit</c>).</summary>
public enum ExecutionEngine
{
    /// <summary>The reference interpreter: slowest, simplest, the semantics every engine must match.</summary>
    Interpreter,

    /// <summary>eBPF → IL → native code through the .NET JIT (<see cref="Jit.JitCompiler"/>).</summary>
    Jit,
}
