namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>One call frame: registers r0-r10 and the frame's stack slots (slot i covers [-8(i+1), -8i) from r10).</summary>
internal sealed class FuncState
{
    public const int Registers = 11;

    public RegState[] Regs = new RegState[Registers];
    public StackSlot[] Stack = [];

    /// <summary>PC of the call instruction that created this frame (-1 for the main function).</summary>
    public int CallSite = -1;

    /// <summary>Frame number (0 = main).</summary>
    public int FrameNo;

    /// <summary>Index of the subprogram this frame runs.</summary>
    public int Subprog;

    /// <summary>For a callback frame (bpf_loop, for_each): PC of the helper call to return to; -1 otherwise.</summary>
    public int CallbackOf = -1;

    /// <summary>
    /// For a callback frame: the stacks of the calling frames when the helper was called (shared, never
    /// changed), from which the caller's stacks are rebuilt when the callback returns.
    /// </summary>
    public StackSlot[][]? CallbackEntryStacks;

    public FuncState Clone()
    {
        var c = new FuncState
        {
            Regs = (RegState[])Regs.Clone(),
            Stack = Stack.Length == 0 ? [] : (StackSlot[])Stack.Clone(),
            CallSite = CallSite,
            FrameNo = FrameNo,
            Subprog = Subprog,
            CallbackOf = CallbackOf,
            CallbackEntryStacks = CallbackEntryStacks,
        };
        return c;
    }

    /// <summary>Makes sure slot <paramref name="index"/> exists.</summary>
    public void Grow(int index)
    {
        if (index < Stack.Length)
        {
            return;
        }

        var bigger = new StackSlot[Math.Max(index + 1, Math.Min(64, Math.Max(4, Stack.Length * 2)))];
        Stack.CopyTo(bigger, 0);
        Stack = bigger;
    }

    /// <summary>The slot at <paramref name="index"/>, or an all-invalid slot when never allocated.</summary>
    public StackSlot SlotAt(int index) => index < Stack.Length ? Stack[index] : default;
}
