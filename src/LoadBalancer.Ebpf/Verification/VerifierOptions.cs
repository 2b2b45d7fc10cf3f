namespace LoadBalancer.Ebpf.Verification;

/// <summary>
/// How <see cref="Verifier"/> checks a program. The default is the kernel's policy for a privileged
/// (root) loader: whatever the kernel loads as root is accepted here.
/// </summary>
public sealed record VerifierOptions
{
    /// <summary>The kernel's limit on instructions processed while following every path (BPF_COMPLEXITY_LIMIT_INSNS).</summary>
    public const int DefaultMaxProcessedInstructions = 1_000_000;

    /// <summary>Privileged defaults.</summary>
    public static VerifierOptions Default { get; } = new();

    /// <summary>
    /// Adds the kernel's rules for unprivileged loaders: reading uninitialised stack is an error,
    /// pointers may not leak (into maps, helper arguments, the return value, the packet or partial
    /// copies), pointers may not be compared except packet pointers and NULL checks, and loops (back-edges) are rejected.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>Keep the full state log (every processed instruction with the register states) in <see cref="VerifierResult.Log"/>.</summary>
    public bool Log { get; init; }

    /// <summary>Instructions processed over all paths before the program is rejected as too complex.</summary>
    public int MaxProcessedInstructions { get; init; } = DefaultMaxProcessedInstructions;

    /// <summary>Stop after this much time (a safety net for hosts; the kernel has no such limit). Null = none.</summary>
    public TimeSpan? TimeLimit { get; init; }
}
