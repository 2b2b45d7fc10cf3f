namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>
/// A state stored at a prune point. <see cref="Branches"/> counts the paths below it still being
/// explored: only a state whose paths are all done (0) may prune, as in the kernel; a state still
/// in progress that is reached again unchanged is an infinite loop.
/// </summary>
internal sealed class ExploredState
{
    public required VerifierState State;
    public ExploredState? Parent;
    public int Branches = 1;

    /// <summary><see cref="StateComparer.Hash"/> of the state, for the infinite-loop check.</summary>
    public int Hash;

    /// <summary>The prune point it was stored at.</summary>
    public int Pc;

    /// <summary>Times it pruned a path.</summary>
    public int Hits;

    /// <summary>Times it was compared without pruning (the kernel evicts states that keep missing).</summary>
    public int Misses;
}
