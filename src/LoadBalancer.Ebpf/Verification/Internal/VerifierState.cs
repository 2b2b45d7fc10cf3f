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

    public FuncState Cur => Frames[CurFrame];

    public VerifierState Clone()
    {
        var c = new VerifierState { CurFrame = CurFrame, Pc = Pc, Parent = Parent, Refs = [.. Refs] };
        for (var i = 0; i <= CurFrame; i++)
        {
            c.Frames[i] = Frames[i].Clone();
        }

        return c;
    }
}
