using System.Diagnostics;
using System.Globalization;
using System.Text;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Text;

namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>
/// Follows every path of a program over abstract states (the kernel's do_check): one instruction at a
/// time, pushing the other side of undecided branches, storing states at prune points and cutting a
/// path when an explored state already covers it. Throws <see cref="VerificationException"/> at the
/// first unsafe instruction.
/// </summary>
internal sealed partial class Checker
{
    private readonly Instruction[] _insns;
    private readonly ProgramDefinition? _definition;
    private readonly List<MapDefinition> _maps;
    private readonly VerifierOptions _options;
    private readonly ContextDescription _ctx;
    private readonly ProgramShape _shape;
    private readonly PcStates?[] _explored;
    private readonly AccessRegions[] _access;
    private readonly int[] _subprogDepth;
    private readonly Stack<VerifierState> _pending = new();
    private readonly StringBuilder? _log;
    private readonly Stopwatch _clock = new();
    private VerifierState _cur = null!;
    private int _processed;
    private int _statesStored;
    private int _peakStates;
    private int _statesLive;
    private int _pruned;
    private int _idGen;
    private int _lastStoreProcessed;

    public Checker(Instruction[] insns, ProgramDefinition? definition, IReadOnlyList<MapDefinition> maps, VerifierOptions options, ContextDescription ctx, ProgramShape shape)
    {
        _insns = insns;
        _definition = definition;
        _maps = [.. maps];
        _options = options;
        _ctx = ctx;
        _shape = shape;
        _explored = new PcStates?[insns.Length];
        _access = new AccessRegions[insns.Length];
        _subprogDepth = new int[shape.SubprogStarts.Count];
        _log = options.Log ? new StringBuilder() : null;

        // Inner map templates get their own index so map-in-map lookups can point at them.
        _innerIndex = new int[_maps.Count];
        for (var i = 0; i < _innerIndex.Length; i++)
        {
            _innerIndex[i] = -1;
            if (_maps[i].InnerMap is { } inner)
            {
                _innerIndex[i] = _maps.Count;
                _maps.Add(inner);
            }
        }
    }

    private readonly int[] _innerIndex;

    private FuncState Frame => _cur.Frames[_cur.CurFrame];

    private ref RegState Reg(int regno) => ref _cur.Frames[_cur.CurFrame].Regs[regno];

    public VerifierResult Run()
    {
        _clock.Start();
        _cur = InitialState();
        while (true)
        {
            var done = false;
            while (!done)
            {
                if (++_processed > _options.MaxProcessedInstructions)
                {
                    throw Fail(
                        $"BPF program is too large. Processed {_options.MaxProcessedInstructions} insn: the verifier gave up following paths (complexity limit); " +
                        "bound loops with small constants, split the program with tail calls or reduce branching");
                }

                if ((_processed & 0xfff) == 0 && _options.TimeLimit is { } limit && _clock.Elapsed > limit)
                {
                    throw Fail($"verification took longer than the time limit of {limit.TotalMilliseconds:0} ms (processed {_processed} insns)");
                }

                if (_shape.PrunePoint[_cur.Pc] && IsStateVisited())
                {
                    _pruned++;
                    _log?.Append(CultureInfo.InvariantCulture, $"{_cur.Pc}: safe (pruned)\n");
                    break;
                }

                if (_log is not null)
                {
                    LogInstruction();
                }

                _cur.History.Add(new HistoryEntry(_cur.Pc, _cur.CurFrame, -1));
                done = Step();
            }

            PathDone(_cur.Parent);
            if (_pending.Count == 0)
            {
                break;
            }

            _cur = _pending.Pop();
        }

        var depth = CheckStackDepth();
        _clock.Stop();
        var facts = new MemoryAccessFact[_insns.Length];
        for (var pc = 0; pc < _insns.Length; pc++)
        {
            var cls = _insns[pc].Class;
            if (cls is Opcode.ClassLdx or Opcode.ClassSt or Opcode.ClassStx)
            {
                facts[pc] = new MemoryAccessFact(_access[pc], _access[pc] != AccessRegions.None, _access[pc] != AccessRegions.None);
            }
        }

        return new VerifierResult(_processed, _statesStored, _pruned, _peakStates, _clock.Elapsed, facts, depth, _log?.ToString());
    }

    private VerifierState InitialState()
    {
        var s = new VerifierState();
        var f = new FuncState { FrameNo = 0, Subprog = 0 };
        f.Regs[1] = RegState.Pointer(RegType.Ctx);
        f.Regs[10] = RegState.Pointer(RegType.Stack, 0, 0);
        s.Frames[0] = f;
        return s;
    }

    private void PathDone(ExploredState? parent)
    {
        while (parent is not null)
        {
            parent.Branches--;
            if (parent.Branches > 0)
            {
                break;
            }

            _explored[parent.Pc]!.Complete(parent);
            parent = parent.Parent;
        }
    }

    /// <summary>Queues the other side of a branch; the current path continues.</summary>
    private void PushBranch(VerifierState other)
    {
        if (_pending.Count >= Limits.MaxPendingStates)
        {
            throw Fail($"The sequence of {Limits.MaxPendingStates} jumps is too complex: too many branches are pending; simplify the control flow");
        }

        if (other.Parent is not null)
        {
            other.Parent.Branches++;
        }

        _pending.Push(other);
    }

    private bool IsStateVisited()
    {
        var pc = _cur.Pc;
        var states = _explored[pc] ??= new PcStates();
        var inLoop = states.InProgressCount > 0;
        var hash = StateComparer.Hash(_cur, pc, _shape);
        if (inLoop && states.InProgressWithHash(hash) is { } same)
        {
            foreach (var e in same)
            {
                if (StateComparer.Equal(e.State, _cur, pc, _shape, _options, exact: true))
                {
                    throw Fail($"infinite loop detected at insn {pc}: the loop comes back to the same state, so nothing bounds it; make the loop condition depend on a counter with a constant limit");
                }
            }
        }

        var done = states.Done;
        for (var i = 0; i < done.Count; i++)
        {
            var e = done[i];
            if (StateComparer.Equal(e.State, _cur, pc, _shape, _options, exact: false, e.RegRead, e.SlotRead, e))
            {
                e.Hits++;
                PropagateLiveness(e);
                PropagatePrecision(e);
                return true;
            }

            // Like the kernel: a state that keeps failing to prune is dropped so lists stay short.
            if (++e.Misses > (e.Hits * 3) + 3)
            {
                done[i] = done[^1];
                done.RemoveAt(done.Count - 1);
                _statesLive--;
                i--;
            }
        }

        if (inLoop && _processed - _lastStoreProcessed < 100)
        {
            return false;
        }

        var entry = new ExploredState
        {
            State = _cur.Clone(),
            Parent = _cur.Parent,
            Hash = hash,
            Pc = pc,
            SegmentRegWritten = (ushort[])_cur.RegWritten.Clone(),
            SegmentSlotWritten = (ulong[])_cur.SlotWritten.Clone(),
            History = [.. _cur.History],
        };
        _cur.History.Clear();
        Array.Clear(_cur.RegWritten);
        Array.Clear(_cur.SlotWritten);
        _cur.Parent = entry;
        states.Add(entry);
        _statesStored++;
        _statesLive++;
        _peakStates = Math.Max(_peakStates, _statesLive);
        _lastStoreProcessed = _processed;
        return false;
    }

    /// <summary>
    /// A pruned path continues as the explored state did: whatever that state's paths read, this path
    /// reads too, so its ancestors must keep those registers and slots (the kernel's propagate_liveness).
    /// </summary>
    private void PropagateLiveness(ExploredState explored)
    {
        for (var f = 0; f <= _cur.CurFrame; f++)
        {
            var regs = explored.RegRead[f];
            for (var i = 0; i < FuncState.Registers; i++)
            {
                if ((regs & (1 << i)) != 0)
                {
                    MarkRegRead(f, i);
                }
            }

            var slots = explored.SlotRead[f];
            while (slots != 0)
            {
                var spi = System.Numerics.BitOperations.TrailingZeroCount(slots);
                MarkSlotRead(f, spi);
                slots &= slots - 1;
            }
        }
    }

    /// <summary>Records that the current path read register <paramref name="regno"/> of frame <paramref name="frame"/> (liveness for pruning).</summary>
    private void MarkRegRead(int frame, int regno)
    {
        var bit = (ushort)(1 << regno);
        if ((_cur.RegWritten[frame] & bit) != 0)
        {
            return;
        }

        for (var p = _cur.Parent; p is not null; p = p.Parent)
        {
            if (frame > p.State.CurFrame || (p.RegRead[frame] & bit) != 0)
            {
                return;
            }

            p.RegRead[frame] |= bit;
            if ((p.SegmentRegWritten[frame] & bit) != 0)
            {
                return;
            }
        }
    }

    /// <summary>Records that the current path read stack slot <paramref name="spi"/> of frame <paramref name="frame"/>.</summary>
    private void MarkSlotRead(int frame, int spi)
    {
        if (spi is < 0 or >= Limits.Slots)
        {
            return;
        }

        var bit = 1UL << spi;
        if ((_cur.SlotWritten[frame] & bit) != 0)
        {
            return;
        }

        for (var p = _cur.Parent; p is not null; p = p.Parent)
        {
            if (frame > p.State.CurFrame || (p.SlotRead[frame] & bit) != 0)
            {
                return;
            }

            p.SlotRead[frame] |= bit;
            if ((p.SegmentSlotWritten[frame] & bit) != 0)
            {
                return;
            }
        }
    }

    private void LogInstruction()
    {
        var pc = _cur.Pc;
        _log!.Append(CultureInfo.InvariantCulture, $"{pc}: ({_insns[pc].Code:x2}) {Disassembler.Format(_insns, pc)} ; {StateFormatter.Format(_cur, _maps)}\n");
    }

    /// <summary>Builds the exception for the current instruction and state.</summary>
    private VerificationException Fail(string reason)
    {
        var pc = _cur?.Pc ?? -1;
        return Build(reason, pc, _cur is null ? null : StateFormatter.Format(_cur, _maps));
    }

    internal VerificationException Build(string reason, int pc, string? states)
    {
        string? text = null;
        SourceLine? line = null;
        if (pc >= 0 && pc < _insns.Length)
        {
            text = Disassembler.Format(_insns, pc);
            line = _definition?.LineAt(pc);
        }

        _log?.Append(CultureInfo.InvariantCulture, $"{pc}: {reason}\n");
        return new VerificationException(reason, pc, text, line, states) { Log = _log?.ToString() };
    }

    private int NewId() => ++_idGen;

    private string Describe(in RegState r) => StateFormatter.Format(r, _maps);

    private int CheckStackDepth()
    {
        // The deepest call chain's stack, each frame rounded up to 16 bytes as the kernel does with the JIT on.
        var best = 0;
        var frames = 0;
        void Walk(int subprog, int depth, int level)
        {
            var own = RoundUp(_subprogDepth[subprog]);
            depth += own;
            if (depth > best)
            {
                best = depth;
            }

            frames = Math.Max(frames, level);
            if (level > Limits.MaxCallFrames)
            {
                return;
            }

            foreach (var callee in _shape.Callees[subprog])
            {
                Walk(callee, depth, level + 1);
            }
        }

        Walk(0, 0, 1);
        if (best > Limits.MaxStack)
        {
            _cur = null!;
            throw Build($"combined stack size of the call chain is {best} bytes. Too large: frames of functions that call each other share {Limits.MaxStack} bytes; move large buffers into a per-CPU array map", -1, null);
        }

        return best;
    }

    private static int RoundUp(int depth) => (depth + 15) & ~15;
}
