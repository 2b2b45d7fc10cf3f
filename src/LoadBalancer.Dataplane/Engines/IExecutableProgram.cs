using LoadBalancer.Ebpf.Execution;

namespace LoadBalancer.Dataplane.Engines;

/// <summary>A program prepared by an <see cref="IProgramEngine"/>, runnable on any worker's <see cref="RunContext"/>.</summary>
public interface IExecutableProgram
{
    /// <summary>The program this was prepared from.</summary>
    BpfProgram Program { get; }

    /// <summary>
    /// Runs the program once with r1 = the context region of <paramref name="context"/>. Never throws
    /// for anything the program does and allocates nothing; thread safe across distinct contexts.
    /// </summary>
    RunResult Run(RunContext context);
}
