using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Kernel;
using static LoadBalancer.Ebpf.Tests.Execution.Asm;

namespace LoadBalancer.Ebpf.Tests.Execution;

/// <summary>
/// Random straight-line and forward-branching ALU/JMP programs run in the Linux kernel (XDP
/// BPF_PROG_TEST_RUN) and in the interpreter must give the same r0. Every register is initialised
/// with a random 64-bit value, the body mixes every ALU and jump form (including v4: sdiv/smod,
/// movsx, bswap, gotol) plus loads, stores and atomics on the stack, and the epilogue folds r0-r9 into the 32-bit return value the kernel reports.
/// </summary>
public sealed class InterpreterKernelDifferentialTests
{
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

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_alu_and_jump_programs_agree_with_the_kernel(int seed)
    {
        if (!KernelBpf.IsAvailable)
        {
            Assert.Skip(KernelBpf.UnavailableReason);
        }

        var random = new Random(seed);
        var packet = new byte[64];
        var rejected = new List<string>();
        var compared = 0;
        for (var n = 0; n < 300; n++)
        {
            var slots = Generate(random);
            var ours = TestRunner.Run(slots, helpers: new HelperTable());
            Assert.Equal(RunStatus.Exited, ours.Status);
            try
            {
                using var program = KernelProgram.Load(KernelProgram.XdpProgramType, slots);
                program.TestRun(packet, [], 1, out var retval, out _, out _);
                Assert.True(
                    (uint)ours.ReturnValue == retval,
                    $"seed {seed} program {n}: interpreter 0x{(uint)ours.ReturnValue:x8}, kernel 0x{retval:x8}\n{Dump(slots)}");
                compared++;
            }
            catch (KernelVerifierException e)
            {
                rejected.Add(e.Message);
            }
        }

        Assert.True(compared >= 295, $"the kernel rejected {rejected.Count} programs, e.g.: {string.Join(" | ", rejected.Take(3))}");
    }

    private static Instruction[] Generate(Random random)
    {
        var slots = new List<Instruction>();
        for (byte reg = 0; reg <= 9; reg++)
        {
            slots.AddRange(Lddw(reg, (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63)));
        }

        // 64 bytes of stack with known contents (the kernel's stack starts with garbage).
        for (byte reg = 0; reg < 8; reg++)
        {
            slots.Add(Stx(DW, 10, reg, (short)(-8 * (reg + 1))));
        }

        var bodyLength = random.Next(10, 40);
        var body = new List<Instruction>();
        for (var i = 0; i < bodyLength; i++)
        {
            body.Add(RandomInstruction(random, bodyLength - i - 1));
        }

        slots.AddRange(body);

        // Fold r1-r9 into r0, then the high half into the low half (the kernel reports 32 bits).
        for (byte reg = 1; reg <= 9; reg++)
        {
            slots.Add(Alu64(Opcode.Mul, 0, unchecked((int)0x9e3779b1)));
            slots.Add(Alu64R(Opcode.Add, 0, reg));
        }

        slots.Add(Mov64R(1, 0));
        slots.Add(Alu64(Opcode.Rsh, 1, 32));
        slots.Add(Alu64R(Opcode.Xor, 0, 1));
        slots.Add(Exit());
        return [.. slots];
    }

    private static Instruction RandomInstruction(Random random, int remaining)
    {
        var dst = (byte)random.Next(10);
        var src = (byte)random.Next(10);
        var is64 = random.Next(2) == 0;
        if (random.Next(5) == 0)
        {
            // Forward jump within the body (no loops: the kernel only accepts provably bounded ones;
            // unconditional jumps jump +0, as skipped code would be unreachable, which it refuses).
            var offset = (short)random.Next(0, remaining + 1);
            return random.Next(8) switch
            {
                0 => Ja(0),
                1 => Gotol(0),
                _ => (random.Next(2), random.Next(2)) switch
                {
                    (0, 0) => Jmp(JumpOps[random.Next(JumpOps.Length)], dst, RandomImm(random), offset),
                    (0, _) => JmpR(JumpOps[random.Next(JumpOps.Length)], dst, src, offset),
                    (_, 0) => Jmp32(JumpOps[random.Next(JumpOps.Length)], dst, RandomImm(random), offset),
                    _ => Jmp32R(JumpOps[random.Next(JumpOps.Length)], dst, src, offset),
                },
            };
        }

        if (random.Next(4) == 0)
        {
            return RandomMemoryInstruction(random, dst, src);
        }

        var op = AluOps[random.Next(AluOps.Length)];
        var width = is64 ? 64 : 32;
        switch (op)
        {
            case Opcode.Neg:
                return is64 ? Alu64(op, dst, 0) : Alu32(op, dst, 0);
            case Opcode.End:
                var bits = (int)(16u << random.Next(3));
                return random.Next(3) switch
                {
                    0 => Le(dst, bits),
                    1 => Be(dst, bits),
                    _ => Bswap(dst, bits),
                };
            case Opcode.Lsh or Opcode.Rsh or Opcode.Arsh when random.Next(2) == 0:
                var count = random.Next(width);
                return is64 ? Alu64(op, dst, count) : Alu32(op, dst, count);
            case Opcode.Lsh or Opcode.Rsh or Opcode.Arsh:
                return is64 ? Alu64R(op, dst, src) : Alu32R(op, dst, src);
            case Opcode.Div or Opcode.Mod:
                var signed = (short)random.Next(2);
                if (random.Next(2) == 0)
                {
                    var divisor = RandomImm(random);
                    divisor = divisor == 0 ? -1 : divisor;
                    return is64 ? Alu64(op, dst, divisor, signed) : Alu32(op, dst, divisor, signed);
                }

                return is64 ? Alu64R(op, dst, src, signed) : Alu32R(op, dst, src, signed);
            case Opcode.Mov when random.Next(3) == 0:
                var from = (short)(8 << random.Next(is64 ? 3 : 2));
                return is64 ? Alu64R(op, dst, src, from) : Alu32R(op, dst, src, from);
            default:
                return random.Next(2) == 0
                    ? (is64 ? Alu64(op, dst, RandomImm(random)) : Alu32(op, dst, RandomImm(random)))
                    : (is64 ? Alu64R(op, dst, src) : Alu32R(op, dst, src));
        }
    }

    // Loads, stores and atomics on the 64 initialised stack bytes below r10.
    private static Instruction RandomMemoryInstruction(Random random, byte dst, byte src)
    {
        var size = (new[] { B, H, W, DW })[random.Next(4)];
        var bytes = Opcode.SizeInBytes(size);
        var offset = (short)(-64 + (random.Next(0, 64 / bytes) * bytes)); // the kernel wants aligned stack accesses
        switch (random.Next(5))
        {
            case 0:
                return Ldx(size, dst, 10, offset);
            case 1:
                return size == DW ? Ldx(size, dst, 10, offset) : Ldxs(size, dst, 10, offset);
            case 2:
                return St(size, 10, offset, RandomImm(random));
            case 3:
                return Stx(size, 10, src, offset);
            default:
                int[] ops =
                [
                    Opcode.Add, Opcode.Or, Opcode.And, Opcode.Xor, Opcode.Add | Opcode.AtomicFetch, Opcode.Or | Opcode.AtomicFetch,
                    Opcode.And | Opcode.AtomicFetch, Opcode.Xor | Opcode.AtomicFetch, Opcode.AtomicXchg, Opcode.AtomicCmpXchg,
                ];
                var atomicSize = random.Next(2) == 0 ? W : DW;
                var slot = (short)(-64 + (random.Next(0, 64 / Opcode.SizeInBytes(atomicSize)) * Opcode.SizeInBytes(atomicSize)));
                return Atomic(atomicSize, 10, src, slot, ops[random.Next(ops.Length)]);
        }
    }

    private static int RandomImm(Random random) => random.Next(4) switch
    {
        0 => random.Next(-4, 5),
        1 => int.MinValue + random.Next(2),
        2 => -1,
        _ => random.Next(int.MinValue, int.MaxValue),
    };

    private static string Dump(Instruction[] slots) =>
        string.Join('\n', slots.Select((s, i) => $"{i}: {s}"));
}
