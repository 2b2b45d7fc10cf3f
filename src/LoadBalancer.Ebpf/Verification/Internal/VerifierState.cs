namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>The abstract machine state on one path: the call frames, acquired references and where it is.</summary>
internal sealed class VerifierState
{
    public FuncState[] Frames = new FuncState[Limits.MaxCallFrames];
    public int CurFrame;
    public int Pc;

    /// <summary>Acquired references (id, PC of the acquiring call) that must be released before exit.</summary>
    public List<(int Id, int Pc)> Refs = [];

    /// <summary>The last explored state stored on this path (for branch counting).</summary>
    public ExploredState? Parent;

    /// <summary>Per frame: registers written since <see cref="Parent"/> was stored (reads of others are reads of the parent's values).</summary>
    public ushort[] RegWritten = new ushort[Limits.MaxCallFrames];

    /// <summary>Per frame: stack slots fully written since <see cref="Parent"/> was stored.</summary>
    public ulong[] SlotWritten = new ulong[Limits.MaxCallFrames];

    /// <summary>Instructions processed since <see cref="Parent"/> was stored (for precision backtracking).</summary>
    public List<HistoryEntry> History = [];

    public FuncState Cur => Frames[CurFrame];

    public VerifierState Clone()
    {
        var c = new VerifierState
        {
            CurFrame = CurFrame,
            Pc = Pc,
            Parent = Parent,
            Refs = [.. Refs],
            RegWritten = (ushort[])RegWritten.Clone(),
            SlotWritten = (ulong[])SlotWritten.Clone(),
            History = [.. History],
        };
        for (var i = 0; i <= CurFrame; i++)
        {
            c.Frames[i] = Frames[i].Clone();
        }

        return c;
    }
}
