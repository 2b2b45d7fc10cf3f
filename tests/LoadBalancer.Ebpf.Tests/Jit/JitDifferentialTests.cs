using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Jit;

namespace LoadBalancer.Ebpf.Tests.Jit;

/// <summary>
/// Random valid programs (every instruction class, loops, calls, helpers, faults) on random packets:
/// the JIT and the interpreter give the same result and leave the same packet and stack bytes.
/// </summary>
public sealed class JitDifferentialTests
{
    [Theory]
    [InlineData(1, false, 800)]
    [InlineData(2, false, 800)]
    [InlineData(3, false, 800)]
    [InlineData(4, true, 800)]
    [InlineData(5, false, 7)]
    [InlineData(6, true, 3)]
    public void Random_programs_give_the_interpreters_result_and_memory(int seed, bool kernelSafe, int regionSize)
    {
        var random = new Random(seed);
        var generator = new RandomProgramGenerator(random, kernelSafe);
        var statuses = new Dictionary<RunStatus, int>();
        using var harness = new XdpHarness(RandomProgramGenerator.PacketSize);
        for (var n = 0; n < 300; n++)
        {
            var slots = generator.Generate();
            var packet = new byte[RandomProgramGenerator.PacketSize];
            random.NextBytes(packet);
            var budget = generator.MayLoopForever || random.Next(10) == 0 ? random.Next(20, 3000) : RunContext.DefaultInstructionBudget;
            var program = XdpHarness.Xdp(slots, XdpHarness.Helpers());
            var jit = JitCompiler.Compile(program, null, regionSize);
            var interpreted = harness.Run(c => Interpreter.Run(program, c), packet, budget);
            var jitted = harness.Run(jit.Run, packet, budget);
            var what = $"seed {seed} program {n}\n{Dump(slots)}";
            JitAssert.SameResult(interpreted.Result, jitted.Result, what);
            if (interpreted.Result.Status != RunStatus.BudgetExhausted)
            {
                Assert.True(interpreted.Packet.AsSpan().SequenceEqual(jitted.Packet), $"packets differ: {what}");
                Assert.True(interpreted.Stack.AsSpan().SequenceEqual(jitted.Stack), $"stacks differ: {what}");
            }

            statuses[interpreted.Result.Status] = statuses.GetValueOrDefault(interpreted.Result.Status) + 1;
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", statuses.Select(p => $"{p.Key}: {p.Value}")));
        Assert.True(statuses.GetValueOrDefault(RunStatus.Exited) >= 100, "the generator no longer produces programs that run to their exit");
        if (!kernelSafe)
        {
            Assert.True(statuses.ContainsKey(RunStatus.MemoryFault), "no memory fault was exercised");
            Assert.True(statuses.ContainsKey(RunStatus.BudgetExhausted), "no exhausted budget was exercised");
        }
    }

    internal static string Dump(Instruction[] slots) =>
        string.Join('\n', slots.Select((s, i) => $"{i}: {s}"));
}
