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

    /// <summary>
    /// Per frame: registers some path below this state read before writing (the kernel's REG_LIVE_READ).
    /// Final once the state is complete; only these are compared when pruning.
    /// </summary>
    public ushort[] RegRead = new ushort[Limits.MaxCallFrames];

    /// <summary>Per frame: stack slots some path below read before fully writing.</summary>
    public ulong[] SlotRead = new ulong[Limits.MaxCallFrames];

    /// <summary>Per frame: registers written on the way from <see cref="Parent"/> to this state (they screen reads from the parent).</summary>
    public ushort[] SegmentRegWritten = new ushort[Limits.MaxCallFrames];

    /// <summary>Per frame: stack slots fully written on the way from <see cref="Parent"/> to this state.</summary>
    public ulong[] SegmentSlotWritten = new ulong[Limits.MaxCallFrames];

    /// <summary>The instructions from <see cref="Parent"/> to this state on the path that stored it.</summary>
    public HistoryEntry[] History = [];

    /// <summary>
    /// Per frame: scalar registers whose value some path below needed for a safety decision (the kernel's
    /// precise marks). Other scalars (with no linked id) match any scalar when pruning.
    /// </summary>
    public ushort[] RegPrecise = new ushort[Limits.MaxCallFrames];

    /// <summary>Per frame: stack slots holding spilled scalars whose value some path below needed.</summary>
    public ulong[] SlotPrecise = new ulong[Limits.MaxCallFrames];

    /// <summary>Every scalar counts as precise (backtracking gave up somewhere below: calls, odd stack accesses).</summary>
    public bool AllPrecise;

    /// <summary>Times it pruned a path.</summary>
    public int Hits;

    /// <summary>Times it was compared without pruning (the kernel evicts states that keep missing).</summary>
    public int Misses;
}
