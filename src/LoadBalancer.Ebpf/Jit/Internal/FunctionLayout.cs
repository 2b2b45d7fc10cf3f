using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Jit.Internal;

/// <summary>
/// The code one emitted method covers: every instruction reachable from <see cref="Entry"/> without
/// following calls (a bpf function, or any code a call target can reach, so odd layouts still match
/// the interpreter), split into basic blocks for instruction counting, with loop headers marked for
/// budget checks and the local call targets it needs.
/// </summary>
internal sealed class FunctionLayout
{
    private FunctionLayout(int entry, int[] pcs, bool[] leader, int[] blockLength, int[] after, bool[] loopHeader, List<int> callTargets)
    {
        Entry = entry;
        Pcs = pcs;
        IsLeader = leader;
        BlockLength = blockLength;
        After = after;
        IsLoopHeader = loopHeader;
        CallTargets = callTargets;
    }

    /// <summary>The first instruction.</summary>
    public int Entry { get; }

    /// <summary>Reachable instruction indexes in ascending order (second lddw slots excluded).</summary>
    public int[] Pcs { get; }

    /// <summary>True at the first instruction of a basic block.</summary>
    public bool[] IsLeader { get; }

    /// <summary>At a leader: instructions in its block.</summary>
    public int[] BlockLength { get; }

    /// <summary>Instructions of the same block after this one (to turn the block's count into an exact one).</summary>
    public int[] After { get; }

    /// <summary>True where a backward jump lands: the budget is checked there.</summary>
    public bool[] IsLoopHeader { get; }

    /// <summary>Entries of the local calls made from this code.</summary>
    public List<int> CallTargets { get; }

    /// <summary>
    /// Splits the code into ranges of <see cref="Pcs"/> indexes of about <paramref name="size"/>
    /// instructions, each starting at a block leader (one range when the code is smaller).
    /// </summary>
    public List<(int First, int End)> Regions(int size)
    {
        var regions = new List<(int First, int End)>();
        var start = 0;
        for (var i = 1; i < Pcs.Length; i++)
        {
            if (i - start >= size && IsLeader[Pcs[i]])
            {
                regions.Add((start, i));
                start = i;
            }
        }

        regions.Add((start, Pcs.Length));
        return regions;
    }

    /// <summary>
    /// The pcs a region method can be entered at: the function's entry, the first pc of every region
    /// (fallthrough from the previous one) and every target of a jump from another region. Only these
    /// get a case in the region's entry switch: an entry at every block would make every block a
    /// successor of the method entry, which costs the .NET JIT time and registers.
    /// </summary>
    public bool[] RegionEntries(Instruction[] code, List<(int First, int End)> regions)
    {
        var entries = new bool[code.Length];
        entries[Entry] = true;
        var regionOf = new int[code.Length];
        for (var r = 0; r < regions.Count; r++)
        {
            entries[Pcs[regions[r].First]] = true;
            for (var i = regions[r].First; i < regions[r].End; i++)
            {
                regionOf[Pcs[i]] = r;
            }
        }

        foreach (var pc in Pcs)
        {
            var ins = code[pc];
            var cls = Opcode.Class(ins.Code);
            if (cls is not (Opcode.ClassJmp or Opcode.ClassJmp32))
            {
                continue;
            }

            var op = Opcode.Operation(ins.Code);
            if (op is Opcode.Exit or Opcode.Call)
            {
                continue;
            }

            var target = pc + 1 + (op == Opcode.Ja && cls == Opcode.ClassJmp32 ? ins.Imm : ins.Offset);
            if (regionOf[target] != regionOf[pc])
            {
                entries[target] = true;
            }
        }

        return entries;
    }

    /// <summary>
    /// Rough IL bytes and basic blocks the emitter produces for this code: checked memory accesses and
    /// helper calls bring cold paths, unchecked accesses and ALU instructions are a few IL instructions.
    /// </summary>
    public (int IlBytes, int Blocks) EstimateIl(Instruction[] code, CompilePlan plan)
    {
        int il = 0, blocks = 0;
        foreach (var pc in Pcs)
        {
            var ins = code[pc];
            var cls = Opcode.Class(ins.Code);
            if (IsLeader[pc])
            {
                il += 12;
                blocks++;
            }

            if (cls is Opcode.ClassLdx or Opcode.ClassSt or Opcode.ClassStx)
            {
                var baseReg = cls == Opcode.ClassLdx ? ins.Src : ins.Dst;
                var isUnchecked = plan.IsUnchecked(pc) || (baseReg == 10 && ins.Offset < 0);
                il += isUnchecked ? 14 : plan.IsContextField(pc) ? 45 : 85;
                blocks += isUnchecked ? 0 : 3;
            }
            else if (cls is Opcode.ClassJmp or Opcode.ClassJmp32 && Opcode.Operation(ins.Code) == Opcode.Call)
            {
                il += 170;
                blocks += 6;
            }
            else
            {
                il += 12;
            }
        }

        return (il, blocks);
    }

    /// <summary>Lays out the code reachable from <paramref name="entry"/>.</summary>
    public static FunctionLayout Build(Instruction[] code, int entry)
    {
        var n = code.Length;
        var reachable = new bool[n];
        var leader = new bool[n];
        var loopHeader = new bool[n];
        var callTargets = new List<int>();
        var work = new Stack<int>();
        work.Push(entry);
        reachable[entry] = true;
        leader[entry] = true;
        while (work.Count > 0)
        {
            var pc = work.Pop();
            var ins = code[pc];
            var cls = Opcode.Class(ins.Code);
            if (ins.Code == Opcode.Lddw)
            {
                Visit(pc + 2, false, pc);
                continue;
            }

            if (cls is Opcode.ClassJmp or Opcode.ClassJmp32)
            {
                var op = Opcode.Operation(ins.Code);
                switch (op)
                {
                    case Opcode.Exit:
                        continue;
                    case Opcode.Call:
                        if (ins.Code == (Opcode.ClassJmp | Opcode.Call) && ins.Src == (byte)CallKind.Local)
                        {
                            var target = pc + 1 + ins.Imm;
                            if (!callTargets.Contains(target))
                            {
                                callTargets.Add(target);
                            }
                        }

                        Visit(pc + 1, false, pc);
                        continue;
                    case Opcode.Ja:
                        Visit(pc + 1 + (cls == Opcode.ClassJmp32 ? ins.Imm : ins.Offset), true, pc);
                        continue;
                    default:
                        Visit(pc + 1 + ins.Offset, true, pc);
                        Visit(pc + 1, true, pc);
                        continue;
                }
            }

            Visit(pc + 1, false, pc);
        }

        var pcs = new List<int>();
        for (var pc = 0; pc < n; pc++)
        {
            if (reachable[pc])
            {
                pcs.Add(pc);
            }
        }

        // Blocks: from a leader up to a jump/exit or the next leader.
        var blockLength = new int[n];
        var after = new int[n];
        var i = 0;
        while (i < pcs.Count)
        {
            var start = i;
            while (true)
            {
                var ins = code[pcs[i]];
                var ends = Opcode.Class(ins.Code) is Opcode.ClassJmp or Opcode.ClassJmp32 && Opcode.Operation(ins.Code) != Opcode.Call;
                i++;
                if (ends || i >= pcs.Count || leader[pcs[i]])
                {
                    break;
                }
            }

            var length = i - start;
            leader[pcs[start]] = true;
            blockLength[pcs[start]] = length;
            for (var k = start; k < i; k++)
            {
                after[pcs[k]] = i - k - 1;
            }
        }

        return new FunctionLayout(entry, [.. pcs], leader, blockLength, after, loopHeader, callTargets);

        void Visit(int target, bool isJumpEdge, int from)
        {
            if (isJumpEdge)
            {
                leader[target] = true;
                if (target <= from)
                {
                    loopHeader[target] = true;
                }
            }

            if (!reachable[target])
            {
                reachable[target] = true;
                work.Push(target);
            }
        }
    }
}
