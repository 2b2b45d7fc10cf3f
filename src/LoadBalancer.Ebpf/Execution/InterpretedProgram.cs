namespace LoadBalancer.Ebpf.Execution;

/// <summary>A program run by the <see cref="Interpreter"/>.</summary>
public sealed class InterpretedProgram : IExecutableProgram
{
    /// <summary>Wraps <paramref name="program"/>.</summary>
    public InterpretedProgram(BpfProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        Program = program;
    }

    /// <inheritdoc />
    public BpfProgram Program { get; }

    /// <inheritdoc />
    public ExecutionEngine Engine => ExecutionEngine.Interpreter;

    /// <inheritdoc />
    public RunResult Run(RunContext context) => Interpreter.Run(Program, context);

    /// <inheritdoc />
    public RunResult Run(RunContext context, ulong r1, ulong r2) => Interpreter.Run(Program, context, r1, r2);
}
