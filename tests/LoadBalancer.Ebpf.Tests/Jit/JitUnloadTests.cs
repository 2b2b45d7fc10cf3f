using System.Runtime.CompilerServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Jit;

namespace LoadBalancer.Ebpf.Tests.Jit;

/// <summary>Compiled programs are unloaded once unreachable, and repeated replacement does not grow the process.</summary>
[Collection(nameof(JitUnloadCollection))]
public sealed class JitUnloadTests
{
    private const int Replacements = 1000;
    private const int Warmup = 200;

    [Fact]
    public void Replacing_a_program_1000_times_unloads_the_old_code_and_memory_returns()
    {
        var slots = new RandomProgramGenerator(new Random(9), kernelSafe: false).Generate(300);
        var program = XdpHarness.Xdp(slots, XdpHarness.Helpers());
        using var harness = new XdpHarness(RandomProgramGenerator.PacketSize);
        var packet = new byte[RandomProgramGenerator.PacketSize];
        var compiled = new WeakReference[Replacements];
        long baselineManaged = 0;
        long baselineProcess = 0;
        for (var i = 0; i < Replacements; i++)
        {
            compiled[i] = CompileRunAndForget(program, harness, packet);
            if (i == Warmup)
            {
                FullCollect();
                baselineManaged = GC.GetTotalMemory(true);
                baselineProcess = Environment.WorkingSet;
            }
        }

        // Every compiled program's collectible assembly goes away (counted, not sampled).
        var alive = Replacements;
        for (var attempt = 0; attempt < 20 && alive > 0; attempt++)
        {
            FullCollect();
            alive = CountAlive(compiled);
        }

        Assert.True(alive == 0, $"{alive} of {Replacements} compiled programs' collectible assemblies were not unloaded");

        // Its own growth: this collection runs alone, so the heap holds only this test's leftovers.
        var managed = GC.GetTotalMemory(true);
        var process = Environment.WorkingSet;
        const int measured = Replacements - Warmup - 1;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"after {Warmup} compiles: {baselineManaged / 1024} KiB managed, {baselineProcess / 1048576} MiB working set; after {Replacements}: {managed / 1024} KiB, {process / 1048576} MiB");
        Assert.True(managed - baselineManaged < 8 << 20, $"managed heap grew by {(managed - baselineManaged) >> 10} KiB over {measured} replacements");
        Assert.True(process - baselineProcess < 96L << 20, $"working set grew by {(process - baselineProcess) >> 20} MiB over {measured} replacements");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference CompileRunAndForget(BpfProgram program, XdpHarness harness, byte[] packet)
    {
        var jit = JitCompiler.Compile(program);
        harness.Run(jit.Run, packet, 10_000);
        return new WeakReference(jit.EmittedType);
    }

    private static int CountAlive(WeakReference[] references)
    {
        var alive = 0;
        foreach (var reference in references)
        {
            if (reference.IsAlive)
            {
                alive++;
            }
        }

        return alive;
    }

    private static void FullCollect()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }
}
