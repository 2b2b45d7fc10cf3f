using LoadBalancer.Ebpf.Execution;

namespace LoadBalancer.Dataplane.Engines;

/// <summary>The reference engine: <see cref="Interpreter"/>, no preparation.</summary>
public sealed class InterpreterEngine : IProgramEngine
{
    /// <summary>The engine's name.</summary>
    public const string EngineName = "interpreter";

    /// <summary>The one instance (the engine has no state).</summary>
    public static InterpreterEngine Instance { get; } = new();

    private InterpreterEngine()
    {
    }

    /// <inheritdoc />
    public string Name => EngineName;

    /// <inheritdoc />
    public IExecutableProgram Prepare(BpfProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return new Interpreted(program);
    }

    private sealed class Interpreted(BpfProgram program) : IExecutableProgram
    {
        public BpfProgram Program { get; } = program;

        public RunResult Run(RunContext context) => Interpreter.Run(Program, context);
    }
}
