using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Validation;

namespace LoadBalancer.Ebpf.Tests.Execution;

/// <summary>
/// Random bytecode: the validator either accepts it or throws <see cref="BytecodeException"/>, and
/// whatever it accepts runs in the interpreter to a result (faults are results, never exceptions).
/// </summary>
public sealed class InterpreterPropertyTests
{
    private static readonly int[] InterestingImms = [0, 1, -1, 5, 8, 16, 32, 64, int.MinValue, int.MaxValue, 0x01, 0x41, 0x51, 0xa1, 0xe1, 0xf1, 3, -8];
    private static readonly byte[] ValidCodes =
    [
        0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f, 0x87, 0x97, 0x9f,
        0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd7, 0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c,
        0x64, 0x6c, 0x74, 0x7c, 0x84, 0x94, 0x9c, 0xa4, 0xac, 0xb4, 0xbc, 0xc4, 0xcc, 0xd4, 0xdc, 0x05, 0x06, 0x15, 0x1d,
        0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d, 0x75, 0x7d, 0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5,
        0xdd, 0x16, 0x1e, 0x26, 0x2e, 0x36, 0x3e, 0x46, 0x4e, 0x56, 0x5e, 0x66, 0x6e, 0x76, 0x7e, 0xa6, 0xae, 0xb6, 0xbe,
        0xc6, 0xce, 0xd6, 0xde, 0x85, 0x8d, 0x95, 0x18, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x61, 0x69, 0x71, 0x79, 0x81,
        0x89, 0x91, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb,
    ];

    private static readonly short[] InterestingOffsets = [0, 0, 0, 1, -1, 2, -2, 8, 16, 32, -8, -512];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_bytes_are_rejected_cleanly_or_run_to_a_result(int seed)
    {
        var random = new Random(seed);
        var accepted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[8 * random.Next(1, 6)];
            random.NextBytes(bytes);
            if (TryRun(Instruction.Decode(bytes)) is not null)
            {
                accepted++;
            }
        }

        // Pure random bytes are almost always invalid; the point is that nothing else escapes.
        Assert.True(accepted >= 0);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void Plausible_random_programs_validate_or_run_without_exceptions(int seed)
    {
        var random = new Random(seed);
        var accepted = 0;
        var statuses = new HashSet<RunStatus>();
        for (var i = 0; i < 20_000; i++)
        {
            var slots = Generate(random, random.Next(2, 12));
            if (TryRun(slots) is { } result)
            {
                accepted++;
                statuses.Add(result.Status);
            }
        }

        Assert.True(accepted > 1000, $"only {accepted} programs were accepted; the generator no longer exercises the interpreter");
        Assert.Contains(RunStatus.Exited, statuses);
        Assert.Contains(RunStatus.MemoryFault, statuses);
    }

    // Slot by slot, retrying a few times for an instruction the validator accepts in place (with exits
    // after it), so most programs are valid and exercise the interpreter; the last attempt is kept
    // even when invalid, so rejection paths are exercised too.
    private static Instruction[] Generate(Random random, int length)
    {
        var exit = new Instruction(Opcode.ClassJmp | Opcode.Exit, 0, 0, 0, 0);
        var slots = new Instruction[length];
        Array.Fill(slots, exit);
        var helpers = HelperTable.CreateDefault();
        for (var s = 0; s < length - 1; s++)
        {
            for (var attempt = 0; attempt < 8; attempt++)
            {
                slots[s] = Plausible(random, length, s);
                var isLddw = slots[s].Code == Opcode.Lddw && s + 2 < length;
                if (isLddw)
                {
                    slots[s] = slots[s] with { Src = (byte)random.Next(7), Offset = 0 };
                    slots[s + 1] = new Instruction(0, 0, 0, 0, random.Next(2) == 0 ? 0 : random.Next());
                }

                try
                {
                    BytecodeValidator.Validate(slots, helpers);
                    if (isLddw)
                    {
                        s++;
                    }

                    break;
                }
                catch (BytecodeException)
                {
                    slots[s + 1] = exit;
                }
            }
        }

        return slots;
    }

    private static Instruction Plausible(Random random, int length, int pc)
    {
        var code = random.Next(8) == 0 ? (byte)random.Next(256) : ValidCodes[random.Next(ValidCodes.Length)];
        var dst = (byte)random.Next(11);
        var src = random.Next(3) == 0 ? (byte)random.Next(11) : (byte)random.Next(2);
        var off = random.Next(4) == 0 ? (short)random.Next(-pc - 1, length - pc) : InterestingOffsets[random.Next(InterestingOffsets.Length)];
        var imm = random.Next(4) == 0 ? random.Next(-pc - 1, length - pc) : InterestingImms[random.Next(InterestingImms.Length)];
        return new Instruction(
            code,
            random.Next(3) == 0 ? (byte)0 : dst,
            random.Next(2) == 0 ? (byte)0 : src,
            random.Next(2) == 0 ? (short)0 : off,
            random.Next(3) == 0 ? 0 : imm);
    }

    private static unsafe RunResult? TryRun(Instruction[] slots)
    {
        var helpers = HelperTable.CreateDefault();
        try
        {
            BytecodeValidator.Validate(slots, helpers);
        }
        catch (BytecodeException)
        {
            return null;
        }

        BpfProgram program;
        try
        {
            program = new BpfProgram(slots, helpers, static (_, _, imm, _) => (ulong)(uint)imm);
        }
        catch (BytecodeException)
        {
            return null;
        }

        var memory = stackalloc byte[64];
        var packet = stackalloc byte[64];
        using var context = new RunContext { InstructionBudget = 10_000 };
        context.SetContext((nint)memory, 64);
        context.SetPacket((nint)packet, 64);
        return Interpreter.Run(program, context);
    }
}
