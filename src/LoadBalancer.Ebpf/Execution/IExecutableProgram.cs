namespace LoadBalancer.Ebpf.Execution;

/// <summary>
/// A program prepared for one engine; callers (the XDP runner, the CLI) run it without knowing which.
/// Runs allocate nothing and report faults as results.
/// </summary>
public interface IExecutableProgram
{
    /// <summary>The program being run.</summary>
    BpfProgram Program { get; }

    /// <summary>The engine that runs it.</summary>
    ExecutionEngine Engine { get; }

    /// <summary>Runs with r1 = start of the context memory and r2 = its length.</summary>
    RunResult Run(RunContext context);

    /// <summary>Runs with the given r1 and r2 (the other registers 0, r10 = top of the stack).</summary>
    RunResult Run(RunContext context, ulong r1, ulong r2);
}
