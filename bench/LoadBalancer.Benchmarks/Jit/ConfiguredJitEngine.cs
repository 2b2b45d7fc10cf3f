using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Jit;

namespace LoadBalancer.Benchmarks.Jit;

/// <summary>The JIT with chosen <see cref="JitOptions"/> (a fresh compilation per program), to compare the specialisations in one run.</summary>
public sealed class ConfiguredJitEngine(string name, JitOptions options) : IProgramEngine
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public IExecutableProgram Prepare(BpfProgram program) => new Compiled(JitCompiler.Compile(program, options));

    private sealed class Compiled(JitProgram code) : IExecutableProgram
    {
        public BpfProgram Program => code.Program;

        public RunResult Run(RunContext context) => code.Run(context);
    }
}
