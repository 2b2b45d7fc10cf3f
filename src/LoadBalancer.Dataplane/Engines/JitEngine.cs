using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Jit;

namespace LoadBalancer.Dataplane.Engines;

/// <summary>
/// The JIT (<see cref="JitCompiler"/>): eBPF compiled to native code through IL when prepared; runs give
/// the interpreter's results. A program is compiled once per <see cref="BpfProgram"/> (shared with
/// tail calls into it); the code is unloaded when the program is no longer referenced.
/// </summary>
public sealed class JitEngine : IProgramEngine
{
    /// <summary>The engine's name.</summary>
    public const string EngineName = "jit";

    /// <summary>The one instance (the engine has no state of its own).</summary>
    public static JitEngine Instance { get; } = new();

    private JitEngine()
    {
    }

    /// <inheritdoc />
    public string Name => EngineName;

    /// <inheritdoc />
    /// <exception cref="JitException">The program could not be compiled; run it with the interpreter.</exception>
    public IExecutableProgram Prepare(BpfProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return new Jitted(JitCompiler.GetOrCompile(program));
    }

    private sealed class Jitted(JitProgram code) : IExecutableProgram
    {
        public BpfProgram Program => code.Program;

        public RunResult Run(RunContext context) => code.Run(context);
    }
}
