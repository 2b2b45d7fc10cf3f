using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Jit;
using LoadBalancer.Ebpf.Kernel;

namespace LoadBalancer.Ebpf.Tests.Jit;

/// <summary>
/// The generator's kernel-safe programs (loops, calls, packet and stack memory, atomics) loaded into
/// the Linux kernel as XDP and test-run on the same packet: where its verifier accepts one, the
/// kernel, the interpreter and the JIT return the same 32-bit r0 and leave the same packet bytes.
/// </summary>
public sealed class JitKernelDifferentialTests
{
    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void Programs_the_kernel_accepts_give_the_same_result_in_kernel_interpreter_and_jit(int seed)
    {
        if (!KernelBpf.IsAvailable)
        {
            Assert.Skip(KernelBpf.UnavailableReason);
        }

        var random = new Random(seed);
        var generator = new RandomProgramGenerator(random, kernelSafe: true);
        using var harness = new XdpHarness(RandomProgramGenerator.PacketSize);
        var rejected = new List<string>();
        var compared = 0;
        for (var n = 0; n < 200; n++)
        {
            var slots = generator.Generate();
            var packet = new byte[RandomProgramGenerator.PacketSize];
            random.NextBytes(packet);
            var program = XdpHarness.Xdp(slots, new HelperTable());
            var interpreted = harness.Run(c => Interpreter.Run(program, c), packet, RunContext.DefaultInstructionBudget);
            var jitted = harness.Run(JitCompiler.Compile(program).Run, packet, RunContext.DefaultInstructionBudget);
            var what = $"seed {seed} program {n}\n{JitDifferentialTests.Dump(slots)}";
            JitAssert.SameResult(interpreted.Result, jitted.Result, what);
            Assert.Equal(RunStatus.Exited, jitted.Result.Status);
            KernelProgram kernel;
            try
            {
                kernel = KernelProgram.Load(KernelProgram.XdpProgramType, slots);
            }
            catch (KernelVerifierException e)
            {
                rejected.Add(e.Message.Split('\n')[0]);
                continue;
            }

            using (kernel)
            {
                var output = new byte[packet.Length];
                kernel.TestRun(packet, output, 1, out var retval, out var length, out _);
                Assert.True((uint)jitted.Result.ReturnValue == retval, $"JIT 0x{(uint)jitted.Result.ReturnValue:x8}, kernel 0x{retval:x8}: {what}");
                Assert.Equal(packet.Length, length);
                Assert.True(output.AsSpan().SequenceEqual(jitted.Packet), $"packet differs from the kernel's: {what}");
                compared++;
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{compared} compared, {rejected.Count} rejected: {string.Join(" | ", rejected.Distinct().Take(5))}");
        Assert.True(compared >= 190, $"the kernel rejected {rejected.Count} programs, e.g.: {string.Join(" | ", rejected.Distinct().Take(3))}");
    }
}
