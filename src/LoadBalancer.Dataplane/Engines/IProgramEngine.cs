using LoadBalancer.Ebpf.Execution;

namespace LoadBalancer.Dataplane.Engines;

/// <summary>
/// A way to execute eBPF programs (the interpreter now, the JIT later), chosen by name. An engine
/// turns a validated <see cref="BpfProgram"/> into an <see cref="IExecutableProgram"/> once; the
/// dataplane then runs that on every packet. Every engine must give the interpreter's results.
/// </summary>
public interface IProgramEngine
{
    /// <summary>The name users select the engine by (<c>interpreter</c>, <c>jit</c>).</summary>
    string Name { get; }

    /// <summary>Prepares <paramref name="program"/> for running (a JIT compiles it here); thread safe.</summary>
    IExecutableProgram Prepare(BpfProgram program);
}
