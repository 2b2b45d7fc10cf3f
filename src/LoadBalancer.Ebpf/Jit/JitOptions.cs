namespace LoadBalancer.Ebpf.Jit;

/// <summary>
/// What <see cref="JitCompiler"/> may rely on beyond the bytecode. The defaults use everything known at
/// load time; turning an option off gives the plainer code (for measurements and differential tests).
/// Either way the code gives the interpreter's results and never touches memory outside the run's regions.
/// </summary>
public sealed record JitOptions
{
    /// <summary>The defaults: verifier proofs and map specialisation on.</summary>
    public static JitOptions Default { get; } = new();

    /// <summary>
    /// When the program carries the verifier's facts (<see cref="Execution.BpfProgram.Verification"/>),
    /// emit the accesses it proved in bounds without runtime checks, context-field loads as loads of the
    /// native field (translated at compile time) and map keys without a readability check. Unverified
    /// programs keep every check. Default true.
    /// </summary>
    public bool UseVerifierProofs { get; init; } = true;

    /// <summary>
    /// Specialise <c>bpf_map_lookup_elem</c> on a map known at load time (the program's
    /// <see cref="Execution.BpfProgram.LoadTimeMaps"/> loaded into r1 by <c>lddw</c> in the same block):
    /// ARRAY and PERCPU_ARRAY become an inline bounds-checked index into the map's memory, hash maps a
    /// direct call of the map type's own lookup (no registry, delegate or virtual dispatch). Default true.
    /// </summary>
    public bool SpecializeMaps { get; init; } = true;
}
