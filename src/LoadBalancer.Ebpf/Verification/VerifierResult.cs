namespace LoadBalancer.Ebpf.Verification;

/// <summary>The outcome of a successful verification, with the figures and facts later stages use.</summary>
public sealed class VerifierResult
{
    private readonly MemoryAccessFact[] _facts;

    internal VerifierResult(int processed, int states, int pruned, int peakStates, TimeSpan elapsed, MemoryAccessFact[] facts, int maxStackDepth, string? log)
    {
        ProcessedInstructions = processed;
        StatesExplored = states;
        PrunedPaths = pruned;
        PeakStates = peakStates;
        Elapsed = elapsed;
        _facts = facts;
        MaxStackDepth = maxStackDepth;
        Log = log;
    }

    /// <summary>Instructions processed over all paths (the kernel's "processed N insns").</summary>
    public int ProcessedInstructions { get; }

    /// <summary>States stored at prune points (the kernel's "total_states").</summary>
    public int StatesExplored { get; }

    /// <summary>Paths cut short because an explored state already covered them.</summary>
    public int PrunedPaths { get; }

    /// <summary>Most states stored at once (the kernel's "peak_states").</summary>
    public int PeakStates { get; }

    /// <summary>Wall-clock time of the verification.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Deepest combined stack use of a call chain, in bytes (each frame rounded up to 16 as the kernel does with its JIT on).</summary>
    public int MaxStackDepth { get; }

    /// <summary>The state log (every processed instruction and register states) when <see cref="VerifierOptions.Log"/> was set.</summary>
    public string? Log { get; }

    /// <summary>Facts per instruction slot (loads, stores and atomics; default for others).</summary>
    public ReadOnlySpan<MemoryAccessFact> MemoryAccesses => _facts;

    /// <summary>The fact for the instruction at <paramref name="instructionIndex"/>.</summary>
    public MemoryAccessFact AccessAt(int instructionIndex) => _facts[instructionIndex];

    /// <summary>True when the load/store at <paramref name="instructionIndex"/> needs no runtime bounds check.</summary>
    public bool IsAccessProvenSafe(int instructionIndex) =>
        (uint)instructionIndex < (uint)_facts.Length && _facts[instructionIndex].ProvenSafe;
}
