using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Jit;
using LoadBalancer.Ebpf.Validation;

namespace LoadBalancer.Ebpf.Tests.Jit;

/// <summary>
/// Plausible random bytecode (any opcode, register and offset the validator accepts: jumps anywhere,
/// calls into the middle of other code, shared code between functions, recursion, every lddw kind):
/// whatever validates compiles, and the JIT gives the interpreter's result and memory.
/// </summary>
public sealed unsafe class JitFuzzTests
{
    private static readonly short[] Offsets = [0, 0, 1, -1, 2, -2, 8, 16, -8, -16, -512, 60];
    private static readonly int[] Imms = [0, 1, -1, 5, 8, 16, 32, 64, int.MinValue, int.MaxValue, 0x01, 0x41, 0x51, 0xa1, 0xe1, 0xf1, 3, -8];

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    public void Plausible_random_programs_compile_and_match_the_interpreter(int seed)
    {
        var random = new Random(seed);
        var helpers = HelperTable.CreateDefault();
        var memory = (byte*)NativeMemory.AlignedAlloc(64, 64);
        var compared = 0;
        try
        {
            using var context = new RunContext { InstructionBudget = 5_000 };
            for (var n = 0; n < 4_000; n++)
            {
                var slots = Generate(random, random.Next(2, 16), helpers);
                BpfProgram program;
                try
                {
                    program = new BpfProgram(slots, helpers, static (_, _, imm, _) => (ulong)(uint)imm);
                }
                catch (BytecodeException)
                {
                    continue;
                }

                var jit = JitCompiler.Compile(program, null, random.Next(2) == 0 ? 3 : 800);
                var fill = (byte)random.Next(256);
                var (interpreted, interpretedMemory, interpretedStack) = Run(context, memory, fill, c => Interpreter.Run(program, c));
                var (jitted, jittedMemory, jittedStack) = Run(context, memory, fill, jit.Run);
                var what = $"seed {seed} program {n}\n{JitDifferentialTests.Dump(slots)}";
                JitAssert.SameResult(interpreted, jitted, what);
                if (interpreted.Status != RunStatus.BudgetExhausted)
                {
                    Assert.True(interpretedMemory.AsSpan().SequenceEqual(jittedMemory), $"memory differs: {what}");
                    Assert.True(interpretedStack.AsSpan().SequenceEqual(jittedStack), $"stack differs: {what}");
                }

                compared++;
            }
        }
        finally
        {
            NativeMemory.AlignedFree(memory);
        }

        Assert.True(compared > 1000, $"only {compared} programs validated");
    }

    private static (RunResult, byte[], byte[]) Run(RunContext context, byte* memory, byte fill, Func<RunContext, RunResult> run)
    {
        new Span<byte>(memory, 64).Fill(fill);
        new Span<byte>((void*)context.StackBase, RunContext.StackSize).Clear();
        context.SetContext((nint)memory, 64);
        context.SetPacket((nint)memory, 64);
        var result = run(context);
        return (result, new Span<byte>(memory, 64).ToArray(), new Span<byte>((void*)context.StackBase, RunContext.StackSize).ToArray());
    }

    private static Instruction[] Generate(Random random, int length, HelperTable helpers)
    {
        var exit = new Instruction(Opcode.ClassJmp | Opcode.Exit, 0, 0, 0, 0);
        var slots = new Instruction[length];
        Array.Fill(slots, exit);
        for (var s = 0; s < length - 1; s++)
        {
            var valid = false;
            for (var attempt = 0; attempt < 12 && !valid; attempt++)
            {
                slots[s] = Plausible(random, length, s);
                var isLddw = slots[s].Code == Opcode.Lddw && s + 2 < length;
                if (isLddw)
                {
                    slots[s] = slots[s] with { Src = (byte)(random.Next(3) == 0 ? 4 : random.Next(2) * 5), Offset = 0 };
                    slots[s + 1] = new Instruction(0, 0, 0, 0, 0);
                }

                try
                {
                    BytecodeValidator.Validate(slots, helpers);
                    valid = true;
                    if (isLddw)
                    {
                        s++;
                    }
                }
                catch (BytecodeException)
                {
                    slots[s + 1] = exit;
                }
            }

            if (!valid)
            {
                slots[s] = new Instruction(Opcode.ClassAlu64 | Opcode.Mov, (byte)random.Next(10), 0, 0, random.Next());
            }
        }

        return slots;
    }

    private static Instruction Plausible(Random random, int length, int pc)
    {
        byte[] classes = [0x07, 0x04, 0x05, 0x06, 0x01, 0x02, 0x03, 0x00];
        var cls = classes[random.Next(classes.Length)];
        var code = (byte)((random.Next(16) << 4) | (random.Next(2) << 3) | cls);
        if (cls is 0x01 or 0x02 or 0x03 or 0x00)
        {
            code = (byte)((random.Next(8) << 5) | (random.Next(4) << 3) | cls);
        }

        var off = random.Next(3) == 0 ? (short)random.Next(-pc - 1, length - pc) : Offsets[random.Next(Offsets.Length)];
        var imm = random.Next(3) == 0 ? random.Next(-pc - 1, length - pc) : Imms[random.Next(Imms.Length)];
        return new Instruction(code, (byte)random.Next(11), (byte)(random.Next(2) == 0 ? 10 : random.Next(11)), random.Next(3) == 0 ? (short)0 : off, random.Next(4) == 0 ? 0 : imm);
    }
}
