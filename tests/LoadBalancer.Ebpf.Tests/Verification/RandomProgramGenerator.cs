using LoadBalancer.Ebpf.Isa;

namespace LoadBalancer.Ebpf.Tests.Verification;

/// <summary>
/// Random XDP-shaped bytecode for the verifier fuzz test: a prologue that loads data and data_end
/// from the context into r2/r3 and forgets the context, then random ALU, jumps (forward and short
/// backward), packet/stack loads and stores, bounds-check idioms and helper calls, ending in exit.
/// </summary>
internal sealed class RandomProgramGenerator(int seed)
{
    /// <summary>Slots of the prologue; the interpreter copy replaces them with 64-bit loads of real pointers.</summary>
    public const int PrologueLength = 3;

    private static readonly byte[] AluOps = [Opcode.Add, Opcode.Sub, Opcode.Mul, Opcode.Div, Opcode.Or, Opcode.And, Opcode.Lsh, Opcode.Rsh, Opcode.Mod, Opcode.Xor, Opcode.Mov, Opcode.Arsh];
    private static readonly byte[] JumpOps = [Opcode.Jeq, Opcode.Jgt, Opcode.Jge, Opcode.Jset, Opcode.Jne, Opcode.Jsgt, Opcode.Jsge, Opcode.Jlt, Opcode.Jle, Opcode.Jslt, Opcode.Jsle];
    private static readonly byte[] Sizes = [Opcode.SizeB, Opcode.SizeH, Opcode.SizeW, Opcode.SizeDW];
    private static readonly int[] Interesting = [0, 1, 2, 3, 4, 7, 8, 13, 14, 15, 16, 20, 31, 32, 63, 64, 255, 256, -1, -2, -8, -16, int.MaxValue, int.MinValue];

    private readonly Random _random = new(seed);
    private readonly List<int> _exitJumps = [];
    private readonly List<int> _calls = [];

    public static Instruction[] Prologue(bool forInterpreter) => forInterpreter
        ?
        [
            new(Opcode.ClassLdx | Opcode.ModeMem | Opcode.SizeDW, 2, 1, 0, 0),
            new(Opcode.ClassLdx | Opcode.ModeMem | Opcode.SizeDW, 3, 1, 8, 0),
            new(Opcode.ClassAlu64 | Opcode.Mov | Opcode.SourceK, 1, 0, 0, 0),
        ]
        :
        [
            new(Opcode.ClassLdx | Opcode.ModeMem | Opcode.SizeW, 2, 1, 0, 0),
            new(Opcode.ClassLdx | Opcode.ModeMem | Opcode.SizeW, 3, 1, 4, 0),
            new(Opcode.ClassAlu64 | Opcode.Mov | Opcode.SourceK, 1, 0, 0, 0),
        ];

    public Instruction[] Next()
    {
        var withSubprogram = _random.Next(4) == 0;
        _calls.Clear();
        var main = Body(allowCalls: withSubprogram);
        var calls = new List<int>(_calls);
        var program = new List<Instruction>(Prologue(forInterpreter: false));
        program.AddRange(main);
        program.Add(new Instruction(Opcode.ClassAlu64 | Opcode.Mov | Opcode.SourceK, 0, 0, 0, _random.Next(0, 4)));
        program.Add(new Instruction(Opcode.ClassJmp | Opcode.Exit, 0, 0, 0, 0));
        if (withSubprogram)
        {
            var start = program.Count;
            program.AddRange(Body(allowCalls: false));
            program.Add(new Instruction(Opcode.ClassAlu64 | Opcode.Mov | Opcode.SourceK, 0, 0, 0, _random.Next(0, 4)));
            program.Add(new Instruction(Opcode.ClassJmp | Opcode.Exit, 0, 0, 0, 0));
            foreach (var at in calls)
            {
                var pc = PrologueLength + at;
                program[pc] = program[pc] with { Imm = start - (pc + 1) };
            }
        }

        return [.. program];
    }

    /// <summary>A random function body; its bounds checks jump to the instruction after it (the epilogue).</summary>
    private List<Instruction> Body(bool allowCalls)
    {
        var length = _random.Next(4, 40);
        var body = new List<Instruction>();
        _exitJumps.Clear();
        foreach (var r in new byte[] { 0, 4, 5, 6, 7, 8, 9 })
        {
            if (_random.Next(4) != 0)
            {
                body.Add(new Instruction(Opcode.ClassAlu64 | Opcode.Mov | Opcode.SourceK, r, 0, 0, Imm()));
            }
        }

        while (body.Count < length)
        {
            if (allowCalls && _random.Next(10) == 0)
            {
                _calls.Add(body.Count);
                body.Add(new Instruction(Opcode.ClassJmp | Opcode.Call, 0, (byte)CallKind.Local, 0, 0));
                continue;
            }

            Emit(body, length);
        }

        foreach (var at in _exitJumps)
        {
            var insn = body[at];
            body[at] = insn with { Offset = (short)(body.Count - at - 1) };
        }

        return body;
    }

    private byte Reg(bool allowR10 = false) => (byte)(allowR10 && _random.Next(6) == 0 ? 10 : _random.Next(0, 10));

    private int Imm() => _random.Next(3) == 0 ? _random.Next(-1000, 1000) : Interesting[_random.Next(Interesting.Length)];

    private void Emit(List<Instruction> body, int length)
    {
        var remaining = length - body.Count;
        switch (_random.Next(12))
        {
            case 0:
            case 1:
            case 2:
                {
                    var op = AluOps[_random.Next(AluOps.Length)];
                    var cls = _random.Next(3) == 0 ? Opcode.ClassAlu : Opcode.ClassAlu64;
                    if (_random.Next(2) == 0)
                    {
                        var imm = op is Opcode.Lsh or Opcode.Rsh or Opcode.Arsh ? _random.Next(cls == Opcode.ClassAlu ? 32 : 64) : Imm();
                        body.Add(new Instruction((byte)(cls | op | Opcode.SourceK), Reg(), 0, 0, imm));
                    }
                    else
                    {
                        body.Add(new Instruction((byte)(cls | op | Opcode.SourceX), Reg(), _random.Next(8) == 0 ? (byte)10 : Reg(), 0, 0));
                    }

                    break;
                }

            case 3:
            case 4:
                {
                    // Packet bounds check idiom: rX = r2; rX += K; if rX > r3 goto out (forward).
                    var x = (byte)_random.Next(4, 10);
                    body.Add(new Instruction(Opcode.ClassAlu64 | Opcode.Mov | Opcode.SourceX, x, 2, 0, 0));
                    body.Add(new Instruction(Opcode.ClassAlu64 | Opcode.Add | Opcode.SourceK, x, 0, 0, _random.Next(0, 40)));
                    var op = _random.Next(2) == 0 ? Opcode.Jgt : Opcode.Jge;
                    if (_random.Next(4) != 0)
                    {
                        _exitJumps.Add(body.Count);
                    }

                    body.Add(new Instruction((byte)(Opcode.ClassJmp | op | Opcode.SourceX), x, 3, (short)_random.Next(0, Math.Max(1, remaining)), 0));
                    break;
                }

            case 5:
            case 6:
                {
                    // Load from the packet, the stack or a random register.
                    var size = Sizes[_random.Next(Sizes.Length)];
                    var baseReg = _random.Next(8) switch { < 3 => (byte)2, < 7 => (byte)10, _ => Reg(allowR10: true) };
                    var off = baseReg == 10 ? -8 * _random.Next(1, 12) : _random.Next(-2, 40);
                    body.Add(new Instruction((byte)(Opcode.ClassLdx | Opcode.ModeMem | size), Reg(), baseReg, (short)off, 0));
                    break;
                }

            case 7:
                {
                    var size = Sizes[_random.Next(Sizes.Length)];
                    var baseReg = _random.Next(8) switch { < 3 => (byte)2, < 7 => (byte)10, _ => Reg(allowR10: true) };
                    var off = baseReg == 10 ? -8 * _random.Next(1, 12) : _random.Next(-2, 40);
                    if (_random.Next(2) == 0)
                    {
                        body.Add(new Instruction((byte)(Opcode.ClassStx | Opcode.ModeMem | size), baseReg, Reg(allowR10: true), (short)off, 0));
                    }
                    else
                    {
                        body.Add(new Instruction((byte)(Opcode.ClassSt | Opcode.ModeMem | size), baseReg, 0, (short)off, Imm()));
                    }

                    break;
                }

            case 8:
            case 9:
                {
                    var op = JumpOps[_random.Next(JumpOps.Length)];
                    var cls = _random.Next(3) == 0 ? Opcode.ClassJmp32 : Opcode.ClassJmp;
                    var back = _random.Next(6) == 0 && body.Count > 2;
                    var offset = back ? -_random.Next(2, Math.Min(body.Count, 8) + 1) : _random.Next(0, Math.Max(1, remaining));
                    body.Add(_random.Next(2) == 0
                        ? new Instruction((byte)(cls | op | Opcode.SourceK), Reg(), 0, (short)offset, Imm())
                        : new Instruction((byte)(cls | op | Opcode.SourceX), Reg(), Reg(allowR10: true), (short)offset, 0));
                    break;
                }

            case 10:
                body.Add(new Instruction(Opcode.ClassJmp | Opcode.Call, 0, 0, 0, 5)); // bpf_ktime_get_ns
                break;
            default:
                body.Add(new Instruction(Opcode.ClassAlu64 | Opcode.Mov | Opcode.SourceK, Reg(), 0, 0, Imm()));
                break;
        }
    }
}
