using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>
/// What the verifier learns from the instructions alone before following paths (the kernel's
/// check_subprogs and check_cfg): subprogram boundaries, jumps that leave their function, unreachable
/// instructions, back-edges, prune points, and which registers are live at each instruction.
/// </summary>
internal sealed class ProgramShape
{
    private readonly Instruction[] _insns;

    private ProgramShape(Instruction[] insns)
    {
        _insns = insns;
        SubprogOf = new int[insns.Length];
        PrunePoint = new bool[insns.Length];
        LiveIn = new ushort[insns.Length];
        HasBackEdge = false;
    }

    /// <summary>First PC of each subprogram (index 0 is the main program).</summary>
    public List<int> SubprogStarts { get; } = [0];

    /// <summary>Subprogram index of each slot.</summary>
    public int[] SubprogOf { get; }

    /// <summary>Instructions where states are stored and compared.</summary>
    public bool[] PrunePoint { get; }

    /// <summary>Registers (bit n = rn) whose value may be read before being written, at each PC.</summary>
    public ushort[] LiveIn { get; }

    /// <summary>True when the control-flow graph has a loop.</summary>
    public bool HasBackEdge { get; private set; }

    /// <summary>First back-edge found (from, to), for strict mode's message.</summary>
    public (int From, int To) FirstBackEdge { get; private set; }

    /// <summary>Static call graph: callees of each subprogram (bpf-to-bpf calls).</summary>
    public List<int>[] Callees { get; private set; } = [];

    /// <summary>Analyses the program; returns an error (pc, message) instead of throwing.</summary>
    public static ProgramShape Build(Instruction[] insns, out (int Pc, string Message)? error)
    {
        var shape = new ProgramShape(insns);
        error = shape.FindSubprogs() ?? shape.CheckCfg();
        if (error is null)
        {
            shape.ComputeLiveness();
        }

        return shape;
    }

    public static bool IsCondJump(Instruction insn)
    {
        if (insn.Class is not (Opcode.ClassJmp or Opcode.ClassJmp32))
        {
            return false;
        }

        var op = Opcode.Operation(insn.Code);
        return op is not (Opcode.Ja or Opcode.Call or Opcode.Exit);
    }

    public static bool IsLocalCall(Instruction insn) =>
        insn.Code == (Opcode.ClassJmp | Opcode.Call) && insn.Src == (byte)CallKind.Local;

    public static bool IsFunctionLddw(Instruction insn) => insn.Code == Opcode.Lddw && insn.Src == (byte)LddwSource.Function;

    private static int JumpTarget(Instruction insn, int pc) =>
        insn.Class == Opcode.ClassJmp32 && Opcode.Operation(insn.Code) == Opcode.Ja ? pc + 1 + insn.Imm : pc + 1 + insn.Offset;

    private (int, string)? FindSubprogs()
    {
        var starts = new SortedSet<int> { 0 };
        for (var pc = 0; pc < _insns.Length; pc++)
        {
            var insn = _insns[pc];
            if (IsLocalCall(insn) || IsFunctionLddw(insn))
            {
                starts.Add(pc + 1 + insn.Imm);
            }

            if (insn.Code == Opcode.Lddw)
            {
                pc++;
            }
        }

        SubprogStarts.Clear();
        SubprogStarts.AddRange(starts);
        Callees = new List<int>[SubprogStarts.Count];
        for (var s = 0; s < SubprogStarts.Count; s++)
        {
            Callees[s] = [];
            var end = s + 1 < SubprogStarts.Count ? SubprogStarts[s + 1] : _insns.Length;
            for (var pc = SubprogStarts[s]; pc < end; pc++)
            {
                SubprogOf[pc] = s;
            }
        }

        for (var s = 0; s < SubprogStarts.Count; s++)
        {
            var start = SubprogStarts[s];
            var end = s + 1 < SubprogStarts.Count ? SubprogStarts[s + 1] : _insns.Length;
            for (var pc = start; pc < end; pc++)
            {
                var insn = _insns[pc];
                if (IsLocalCall(insn))
                {
                    Callees[s].Add(SubprogOf[pc + 1 + insn.Imm]);
                }
                else if ((insn.Class is Opcode.ClassJmp or Opcode.ClassJmp32) && Opcode.Operation(insn.Code) is not (Opcode.Call or Opcode.Exit))
                {
                    var target = JumpTarget(insn, pc);
                    if (target < start || target >= end)
                    {
                        return (pc, $"jump out of range from insn {pc} to {target}: a jump cannot leave its function (subprogram {s} is insns {start}-{end - 1})");
                    }
                }

                if (insn.Code == Opcode.Lddw)
                {
                    pc++;
                }
            }

            var last = end - 1;
            if (last > start && _insns[last - 1].Code == Opcode.Lddw)
            {
                last--;
            }

            var code = _insns[last].Code;
            if (code != (Opcode.ClassJmp | Opcode.Exit) && code != (Opcode.ClassJmp | Opcode.Ja) && code != (Opcode.ClassJmp32 | Opcode.Ja))
            {
                return (last, $"last insn is not an exit or jmp: function {s} (insns {start}-{end - 1}) would fall through into the next function");
            }
        }

        return null;
    }

    private (int, string)? CheckCfg()
    {
        // Iterative DFS with colours: grey on the stack, black done; an edge to grey is a back-edge.
        var color = new byte[_insns.Length];
        var stack = new Stack<(int Pc, int NextEdge)>();
        Span<int> succ = stackalloc int[2];
        foreach (var root in new[] { 0 })
        {
            stack.Push((root, 0));
            color[root] = 1;
            while (stack.Count > 0)
            {
                var (pc, edge) = stack.Pop();
                var n = Successors(pc, succ, includeCalls: true);
                if (edge < n)
                {
                    stack.Push((pc, edge + 1));
                    var t = succ[edge];
                    MarkPrunePoints(pc, t);
                    if (color[t] == 0)
                    {
                        color[t] = 1;
                        stack.Push((t, 0));
                    }
                    else if (color[t] == 1 && !HasBackEdge)
                    {
                        HasBackEdge = true;
                        FirstBackEdge = (pc, t);
                    }
                }
                else
                {
                    color[pc] = 2;
                }
            }
        }

        for (var pc = 0; pc < _insns.Length; pc++)
        {
            if (color[pc] == 0)
            {
                return (pc, $"unreachable insn {pc}: no path from the program's entry reaches it; remove the dead code");
            }

            if (_insns[pc].Code == Opcode.Lddw)
            {
                pc++;
            }
        }

        return null;
    }

    private void MarkPrunePoints(int pc, int target)
    {
        var insn = _insns[pc];
        if (IsCondJump(insn) || IsLocalCall(insn) || Opcode.Operation(insn.Code) == Opcode.Ja && insn.Class is Opcode.ClassJmp or Opcode.ClassJmp32)
        {
            PrunePoint[target] = true;
        }

        if (IsCondJump(insn))
        {
            PrunePoint[pc + 1] = true;
        }
    }

    /// <summary>Static successors of pc; calls go to the callee and the next instruction when <paramref name="includeCalls"/>.</summary>
    private int Successors(int pc, Span<int> succ, bool includeCalls)
    {
        var insn = _insns[pc];
        switch (insn.Class)
        {
            case Opcode.ClassJmp or Opcode.ClassJmp32:
                var op = Opcode.Operation(insn.Code);
                if (op == Opcode.Exit)
                {
                    return 0;
                }

                if (op == Opcode.Call)
                {
                    succ[0] = pc + 1;
                    if (includeCalls && insn.Src == (byte)CallKind.Local && Opcode.Source(insn.Code) == Opcode.SourceK)
                    {
                        succ[1] = pc + 1 + insn.Imm;
                        return 2;
                    }

                    return 1;
                }

                if (op == Opcode.Ja)
                {
                    succ[0] = JumpTarget(insn, pc);
                    return 1;
                }

                succ[0] = pc + 1;
                succ[1] = JumpTarget(insn, pc);
                return succ[0] == succ[1] ? 1 : 2;
            default:
                if (insn.Code == Opcode.Lddw)
                {
                    succ[0] = pc + 2;
                    if (includeCalls && insn.Src == (byte)LddwSource.Function)
                    {
                        succ[1] = pc + 1 + insn.Imm;
                        return 2;
                    }

                    return 1;
                }

                succ[0] = pc + 1;
                return 1;
        }
    }

    private void ComputeLiveness()
    {
        Span<int> succ = stackalloc int[2];
        var changed = true;
        while (changed)
        {
            changed = false;
            for (var pc = _insns.Length - 1; pc >= 0; pc--)
            {
                if (pc > 0 && _insns[pc - 1].Code == Opcode.Lddw)
                {
                    continue;
                }

                var n = Successors(pc, succ, includeCalls: false);
                var liveOut = 0;
                for (var i = 0; i < n; i++)
                {
                    if (succ[i] < _insns.Length)
                    {
                        liveOut |= LiveIn[succ[i]];
                    }
                }

                var (use, def) = UseDef(_insns[pc]);
                var liveIn = (ushort)((use | (liveOut & ~def)) | (1 << 10));
                if (liveIn != LiveIn[pc])
                {
                    LiveIn[pc] = liveIn;
                    changed = true;
                }
            }
        }
    }

    private static (int Use, int Def) UseDef(Instruction insn)
    {
        var d = 1 << insn.Dst;
        var s = 1 << insn.Src;
        const int args = 0b11_1110;
        const int clobbered = 0b11_1111;
        switch (insn.Class)
        {
            case Opcode.ClassAlu or Opcode.ClassAlu64:
                {
                    var op = Opcode.Operation(insn.Code);
                    var x = Opcode.Source(insn.Code) == Opcode.SourceX;
                    if (op == Opcode.Mov)
                    {
                        return (x ? s : 0, d);
                    }

                    if (op is Opcode.Neg or Opcode.End)
                    {
                        return (d, d);
                    }

                    return (d | (x ? s : 0), d);
                }

            case Opcode.ClassLdx:
                return (s, d);
            case Opcode.ClassSt:
                return (d, 0);
            case Opcode.ClassStx:
                if (Opcode.Mode(insn.Code) == Opcode.ModeAtomic)
                {
                    if (insn.Imm == Opcode.AtomicCmpXchg)
                    {
                        return (d | s | 1, 1);
                    }

                    return (d | s, (insn.Imm & Opcode.AtomicFetch) != 0 ? s : 0);
                }

                return (d | s, 0);
            case Opcode.ClassLd:
                if (insn.Code == Opcode.Lddw)
                {
                    return (0, d);
                }

                return ((1 << 6) | (Opcode.Mode(insn.Code) == Opcode.ModeInd ? s : 0), clobbered);
            default:
                {
                    var op = Opcode.Operation(insn.Code);
                    if (op == Opcode.Exit)
                    {
                        return (1, 0);
                    }

                    if (op == Opcode.Call)
                    {
                        if (Opcode.Source(insn.Code) == Opcode.SourceX)
                        {
                            return (d | args, clobbered);
                        }

                        if (insn.Src == (byte)CallKind.Helper)
                        {
                            var n = HelperPrototypes.ArgCount(insn.Imm);
                            return (((1 << (n + 1)) - 1) & ~1, clobbered);
                        }

                        return (args, clobbered);
                    }

                    if (op == Opcode.Ja)
                    {
                        return (0, 0);
                    }

                    return (d | (Opcode.Source(insn.Code) == Opcode.SourceX ? s : 0), 0);
                }
        }
    }
}
