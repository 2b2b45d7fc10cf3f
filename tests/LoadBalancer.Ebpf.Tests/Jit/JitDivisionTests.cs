using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Jit;
using static LoadBalancer.Ebpf.Tests.Execution.Asm;

namespace LoadBalancer.Ebpf.Tests.Jit;

/// <summary>
/// 32-bit divisions by a register leave every other register's 64 bits alone, in whole functions and
/// in region methods (where the .NET JIT once relocated a register through the division's 32-bit
/// operand copy, keeping only its low half).
/// </summary>
public sealed class JitDivisionTests
{
    [Theory]
    [InlineData(Opcode.Div, 0)]
    [InlineData(Opcode.Div, 1)]
    [InlineData(Opcode.Mod, 0)]
    [InlineData(Opcode.Mod, 1)]
    public void A_32_bit_division_by_a_register_changes_only_its_destination(byte op, short signed)
    {
        var failures = new List<string>();
        using var harness = new XdpHarness(RandomProgramGenerator.PacketSize);
        var packet = new byte[RandomProgramGenerator.PacketSize];
        for (byte dst = 0; dst <= 9; dst++)
        {
            for (byte src = 0; src <= 9; src++)
            {
                var slots = Program(op, signed, dst, src);
                var program = XdpHarness.Xdp(slots, new HelperTable());
                var interpreted = harness.Run(c => Interpreter.Run(program, c), packet, RunContext.DefaultInstructionBudget);
                foreach (var regionSize in new[] { 1, 3, JitCompiler.DefaultRegionSize })
                {
                    var jitted = harness.Run(JitCompiler.Compile(program, null, regionSize).Run, packet, RunContext.DefaultInstructionBudget);
                    if (jitted.Result.ReturnValue != interpreted.Result.ReturnValue || !jitted.Stack.AsSpan().SequenceEqual(interpreted.Stack))
                    {
                        failures.Add($"r{dst} {(signed == 1 ? "s" : string.Empty)}{(op == Opcode.Div ? "div" : "mod")}32 r{src}, regions of {regionSize}: JIT {jitted.Result}, interpreter {interpreted.Result}");
                    }
                }

                Assert.Equal(RunStatus.Exited, interpreted.Result.Status);
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>
    /// Every register gets a distinct value with both halves set, a block starts at the division, then
    /// all ten registers are stored to the stack and folded into r0.
    /// </summary>
    private static Instruction[] Program(byte op, short signed, byte dst, byte src)
    {
        var slots = new List<Instruction>();
        for (byte reg = 0; reg <= 9; reg++)
        {
            slots.AddRange(Lddw(reg, 0x9E3779B97F4A7C15UL * (ulong)(reg + 1) | 0x8000_0001_0000_0001UL));
        }

        slots.Add(JmpR(Opcode.Jgt, 1, 1, 0));
        slots.Add(Alu32R(op, dst, src, signed));
        for (byte reg = 0; reg <= 9; reg++)
        {
            slots.Add(Stx(DW, 10, reg, (short)(-8 * (reg + 1))));
        }

        for (byte reg = 1; reg <= 9; reg++)
        {
            slots.Add(Alu64(Opcode.Mul, 0, unchecked((int)0x9E3779B1)));
            slots.Add(Alu64R(Opcode.Add, 0, reg));
        }

        slots.Add(Exit());
        return [.. slots];
    }
}
