using LoadBalancer.Ebpf.Isa;
using static LoadBalancer.Ebpf.Tests.Execution.Asm;

namespace LoadBalancer.Ebpf.Tests.Jit;

/// <summary>
/// Generates random valid XDP programs for differential tests: a prologue that reads
/// <c>xdp_md.data</c>/<c>data_end</c> through the context layout and bounds-checks 64 packet bytes
/// (r6 = packet), random 64-bit register values, initialised stack; a body of straight segments with
/// forward branches, bounded loops (r9 counts), bpf-to-bpf calls, every ALU form, loads/stores on
/// stack and packet, sign-extending loads and stack atomics; an epilogue folding the registers into r0.
/// With <c>kernelSafe</c> the program stays within what the kernel's verifier accepts (no helpers, no
/// faults); otherwise it also calls helpers (direct, closure, aborting, memory-writing, callx with
/// good and bad ids), makes out-of-bounds and misaligned accesses, legacy packet loads, context-field
/// loads, divisions by immediate zero, unconditional jumps over code and sometimes endless loops.
/// </summary>
internal sealed class RandomProgramGenerator
{
    public const int PacketSize = 64;
    public const int MixHelper = 7;
    public const int ClosureHelper = 8;
    public const int AbortingHelper = 6;
    public const int FillHelper = 9;

    private static readonly byte[] AluOps =
    [
        Opcode.Add, Opcode.Sub, Opcode.Mul, Opcode.Div, Opcode.Or, Opcode.And, Opcode.Lsh, Opcode.Rsh,
        Opcode.Neg, Opcode.Mod, Opcode.Xor, Opcode.Mov, Opcode.Arsh, Opcode.End,
    ];

    private static readonly byte[] JumpOps =
    [
        Opcode.Jeq, Opcode.Jgt, Opcode.Jge, Opcode.Jset, Opcode.Jne, Opcode.Jsgt, Opcode.Jsge,
        Opcode.Jlt, Opcode.Jle, Opcode.Jslt, Opcode.Jsle,
    ];

    private static readonly int[] AtomicOps =
    [
        Opcode.Add, Opcode.Or, Opcode.And, Opcode.Xor, Opcode.Add | Opcode.AtomicFetch, Opcode.Or | Opcode.AtomicFetch,
        Opcode.And | Opcode.AtomicFetch, Opcode.Xor | Opcode.AtomicFetch, Opcode.AtomicXchg, Opcode.AtomicCmpXchg,
    ];

    private static readonly byte[] MainRegs = [0, 1, 2, 3, 4, 5, 7, 8];
    private static readonly byte[] CalleeRegs = [0, 1, 2, 3, 4, 5];

    private readonly Random _random;
    private readonly bool _kernelSafe;
    private readonly List<Instruction> _slots = [];
    private readonly List<(int Slot, int Function)> _calls = [];
    private int _functions;

    public RandomProgramGenerator(Random random, bool kernelSafe)
    {
        _random = random;
        _kernelSafe = kernelSafe;
    }

    /// <summary>True when the last program may loop forever (run it with a small budget).</summary>
    public bool MayLoopForever { get; private set; }

    public Instruction[] Generate() => Generate(0);

    /// <summary>A program of at least <paramref name="minimumSlots"/> slots (more body segments).</summary>
    public Instruction[] Generate(int minimumSlots)
    {
        _slots.Clear();
        _calls.Clear();
        MayLoopForever = false;
        _functions = _random.Next(0, 3);

        // Prologue: r6 = data, r7 = data_end, 64 bytes checked.
        Add(Ldx(W, 6, 1, 0));
        Add(Ldx(W, 7, 1, 4));
        Add(Mov64R(8, 6));
        Add(Alu64(Opcode.Add, 8, PacketSize));
        var boundsCheck = _slots.Count;
        Add(JmpR(Opcode.Jgt, 8, 7, 0)); // patched to "out"
        if (!_kernelSafe && _random.Next(4) == 0)
        {
            Add(Ldx(W, 2, 1, (short)(_random.Next(7) * 4))); // more context fields, one of them past the struct
        }

        foreach (var reg in MainRegs)
        {
            AddRange(Lddw(reg, RandomValue()));
        }

        AddRange(Lddw(9, RandomValue()));
        for (byte i = 0; i < 8; i++)
        {
            Add(Stx(DW, 10, MainRegs[i], (short)(-8 * (i + 1))));
        }

        var segments = _random.Next(2, 7);
        for (var s = 0; s < segments || _slots.Count < minimumSlots - 20; s++)
        {
            switch (_random.Next(6))
            {
                case 0 or 1 or 2:
                    Segment(MainRegs, 64, _random.Next(3, 16), true);
                    break;
                case 3 or 4:
                    Loop(MainRegs, 64, true);
                    break;
                default:
                    if (_functions > 0)
                    {
                        _calls.Add((_slots.Count, _random.Next(_functions)));
                        Add(CallLocal(0));
                        ReinitializeArguments();
                    }
                    else
                    {
                        Segment(MainRegs, 64, 4, true);
                    }

                    break;
            }
        }

        // Every function is called at least once (the kernel refuses unreachable code).
        for (var f = 0; f < _functions; f++)
        {
            if (!_calls.Exists(c => c.Function == f))
            {
                _calls.Add((_slots.Count, f));
                Add(CallLocal(0));
                ReinitializeArguments();
            }
        }

        // Epilogue: fold every scalar register into the 32 bits the kernel reports.
        foreach (var reg in new byte[] { 1, 2, 3, 4, 5, 7, 8, 9 })
        {
            Add(Alu64(Opcode.Mul, 0, unchecked((int)0x9e3779b1)));
            Add(Alu64R(Opcode.Add, 0, reg));
        }

        Add(Mov64R(1, 0));
        Add(Alu64(Opcode.Rsh, 1, 32));
        Add(Alu64R(Opcode.Xor, 0, 1));
        Add(Exit());
        var outLabel = _slots.Count;
        Add(Mov64(0, 0));
        Add(Exit());
        _slots[boundsCheck] = _slots[boundsCheck] with { Offset = (short)(outLabel - boundsCheck - 1) };

        var starts = new int[_functions];
        for (var f = 0; f < _functions; f++)
        {
            starts[f] = _slots.Count;
            Function();
        }

        foreach (var (slot, function) in _calls)
        {
            _slots[slot] = _slots[slot] with { Imm = starts[function] - slot - 1 };
        }

        return [.. _slots];
    }

    private void Function()
    {
        // r0 and four stack slots initialised, then ALU, stack and branches on r0-r5.
        Add(Mov64R(0, 1));
        for (byte i = 1; i <= 4; i++)
        {
            Add(Stx(DW, 10, i, (short)(-8 * i)));
        }

        for (var s = _random.Next(1, 4); s > 0; s--)
        {
            if (_random.Next(3) == 0)
            {
                Loop(CalleeRegs, 32, false);
            }
            else
            {
                Segment(CalleeRegs, 32, _random.Next(2, 10), false);
            }
        }

        Add(Exit());
    }

    private void ReinitializeArguments()
    {
        // The kernel makes r1-r5 unreadable after a call.
        Add(Mov64R(1, 0));
        Add(Mov64R(2, 7));
        Add(Mov64(3, _random.Next()));
        Add(Mov64R(4, 8));
        Add(Mov64R(5, 0));
    }

    private void Loop(byte[] regs, int stackBytes, bool main)
    {
        var forever = !_kernelSafe && _random.Next(12) == 0;
        var counter = main ? (byte)9 : (byte)5;
        var bodyRegs = main ? regs : regs[..5];
        Add(Mov64(counter, _random.Next(1, 5)));
        var start = _slots.Count;
        Segment(bodyRegs, stackBytes, _random.Next(1, 8), main);
        if (!forever)
        {
            Add(Alu64(Opcode.Sub, counter, 1));
        }
        else
        {
            MayLoopForever = true;
        }

        Add(Jmp(Opcode.Jne, counter, 0, (short)(start - _slots.Count - 1)));
    }

    /// <summary>Straight code with forward branches that stay inside the segment.</summary>
    private void Segment(byte[] regs, int stackBytes, int length, bool main)
    {
        var itemStart = new int[length];
        var pending = new List<(int Slot, int TargetItem)>();
        for (var i = 0; i < length; i++)
        {
            itemStart[i] = _slots.Count;
            if (_random.Next(5) == 0)
            {
                pending.Add((_slots.Count, i + 1 + _random.Next(0, length - i)));
                Add(RandomJump(regs));
                continue;
            }

            if (main && !_kernelSafe && _random.Next(25) == 0)
            {
                HelperCall();
                continue;
            }

            Add(RandomInstruction(regs, stackBytes, main));
        }

        foreach (var (slot, targetItem) in pending)
        {
            var target = targetItem < length ? itemStart[targetItem] : _slots.Count;
            var jump = _slots[slot];
            if (jump.Code == (Opcode.ClassJmp32 | Opcode.Ja))
            {
                _slots[slot] = jump with { Imm = target - slot - 1 };
            }
            else if (jump.Code != (Opcode.ClassJmp | Opcode.Ja) || !_kernelSafe)
            {
                _slots[slot] = jump with { Offset = (short)(target - slot - 1) };
            }
        }
    }

    private Instruction RandomJump(byte[] regs)
    {
        var dst = Pick(regs);
        var src = Pick(regs);
        if (_random.Next(8) == 0)
        {
            // Unconditional: the kernel refuses code it can never reach, so it only jumps +0 there (patched otherwise).
            return _kernelSafe || _random.Next(2) == 0 ? Ja(0) : Gotol(0);
        }

        var op = JumpOps[_random.Next(JumpOps.Length)];
        return (_random.Next(2), _random.Next(2)) switch
        {
            (0, 0) => Jmp(op, dst, RandomImm(), 0),
            (0, _) => JmpR(op, dst, src, 0),
            (_, 0) => Jmp32(op, dst, RandomImm(), 0),
            _ => Jmp32R(op, dst, src, 0),
        };
    }

    private void HelperCall()
    {
        switch (_random.Next(6))
        {
            case 0:
                Add(Call(MixHelper));
                break;
            case 1:
                Add(Call(ClosureHelper));
                break;
            case 2:
                Add(Call(AbortingHelper));
                break;
            case 3:
                Add(Mov64R(1, 10));
                Add(Alu64(Opcode.Add, 1, -8 * _random.Next(1, 9)));
                Add(Mov64(2, _random.Next(0, 20)));
                Add(Call(FillHelper));
                break;
            case 4:
                Add(Mov64(8, _random.Next(3) == 0 ? 99 : MixHelper));
                Add(Callx(8));
                break;
            default:
                Add(_random.Next(2) == 0
                    ? LdAbs((new[] { B, H, W })[_random.Next(3)], _random.Next(0, PacketSize + 4))
                    : LdInd((new[] { B, H, W })[_random.Next(3)], Pick(MainRegs), _random.Next(-4, PacketSize)));
                break;
        }
    }

    private Instruction RandomInstruction(byte[] regs, int stackBytes, bool main)
    {
        var dst = Pick(regs);
        var src = Pick(regs);
        if (_random.Next(3) == 0)
        {
            return RandomMemory(dst, src, stackBytes, main);
        }

        var is64 = _random.Next(2) == 0;
        var op = AluOps[_random.Next(AluOps.Length)];
        var width = is64 ? 64 : 32;
        switch (op)
        {
            case Opcode.Neg:
                return is64 ? Alu64(op, dst, 0) : Alu32(op, dst, 0);
            case Opcode.End:
                var bits = (int)(16u << _random.Next(3));
                return _random.Next(3) switch
                {
                    0 => Le(dst, bits),
                    1 => Be(dst, bits),
                    _ => Bswap(dst, bits),
                };
            case Opcode.Lsh or Opcode.Rsh or Opcode.Arsh when _random.Next(2) == 0:
                var count = _random.Next(width);
                return is64 ? Alu64(op, dst, count) : Alu32(op, dst, count);
            case Opcode.Lsh or Opcode.Rsh or Opcode.Arsh:
                return is64 ? Alu64R(op, dst, src) : Alu32R(op, dst, src);
            case Opcode.Div or Opcode.Mod:
                var signed = (short)_random.Next(2);
                if (_random.Next(2) == 0)
                {
                    var divisor = RandomImm();
                    divisor = divisor == 0 && _kernelSafe ? -1 : divisor;
                    return is64 ? Alu64(op, dst, divisor, signed) : Alu32(op, dst, divisor, signed);
                }

                return is64 ? Alu64R(op, dst, src, signed) : Alu32R(op, dst, src, signed);
            case Opcode.Mov when _random.Next(3) == 0:
                var from = (short)(8 << _random.Next(is64 ? 3 : 2));
                return is64 ? Alu64R(op, dst, src, from) : Alu32R(op, dst, src, from);
            default:
                return _random.Next(2) == 0
                    ? (is64 ? Alu64(op, dst, RandomImm()) : Alu32(op, dst, RandomImm()))
                    : (is64 ? Alu64R(op, dst, src) : Alu32R(op, dst, src));
        }
    }

    private Instruction RandomMemory(byte dst, byte src, int stackBytes, bool main)
    {
        var size = (new[] { B, H, W, DW })[_random.Next(4)];
        var bytes = Opcode.SizeInBytes(size);
        var onPacket = main && _random.Next(2) == 0;
        short offset;
        byte pointer;
        if (onPacket)
        {
            pointer = 6;
            offset = !_kernelSafe && _random.Next(10) == 0
                ? (short)_random.Next(-16, PacketSize + 16)
                : (short)_random.Next(0, PacketSize - bytes + 1);
        }
        else
        {
            pointer = 10;
            offset = (short)(-stackBytes + (_random.Next(0, stackBytes / bytes) * bytes)); // aligned, initialised
            if (!_kernelSafe && _random.Next(12) == 0)
            {
                offset = (short)_random.Next(-520, 8); // may leave the frame or the stack
            }
        }

        switch (_random.Next(onPacket ? 4 : 5))
        {
            case 0:
                return Ldx(size, dst, pointer, offset);
            case 1:
                return size == DW ? Ldx(size, dst, pointer, offset) : Ldxs(size, dst, pointer, offset);
            case 2:
                return St(size, pointer, offset, RandomImm());
            case 3:
                return Stx(size, pointer, src, offset);
            default:
                var atomicSize = _random.Next(2) == 0 ? W : DW;
                var unit = Opcode.SizeInBytes(atomicSize);
                var slot = (short)(-stackBytes + (_random.Next(0, stackBytes / unit) * unit));
                if (!_kernelSafe && _random.Next(8) == 0)
                {
                    slot += (short)_random.Next(1, unit);
                }

                return Atomic(atomicSize, 10, src, slot, AtomicOps[_random.Next(AtomicOps.Length)]);
        }
    }

    private byte Pick(byte[] regs) => regs[_random.Next(regs.Length)];

    private ulong RandomValue() => _random.Next(4) == 0 ? (ulong)_random.Next(-300, 300) : (ulong)_random.NextInt64() ^ ((ulong)_random.Next(2) << 63);

    private int RandomImm() => _random.Next(5) switch
    {
        0 => _random.Next(-4, 5),
        1 => int.MinValue + _random.Next(2),
        2 => -1,
        3 => _random.Next(0, 64),
        _ => _random.Next(int.MinValue, int.MaxValue),
    };

    private void Add(Instruction instruction) => _slots.Add(instruction);

    private void AddRange(Instruction[] instructions) => _slots.AddRange(instructions);
}
