using LoadBalancer.Ebpf.Jit;

namespace LoadBalancer.Ebpf.Execution;

/// <summary>Prepares a program for the engine a caller selected.</summary>
public static class ExecutableProgram
{
    /// <summary>
    /// The program ready to run on <paramref name="engine"/>; for <see cref="ExecutionEngine.Jit"/> it is
    /// compiled now (and cached while the program lives, so tail calls into it reuse the code).
    /// </summary>
    /// <exception cref="JitException">The JIT could not compile the program.</exception>
    public static IExecutableProgram Create(BpfProgram program, ExecutionEngine engine) => engine switch
    {
        ExecutionEngine.Interpreter => new InterpretedProgram(program),
        ExecutionEngine.Jit => JitCompiler.GetOrCompile(program),
        _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, "Unknown execution engine; use Interpreter or Jit."),
    };
}
