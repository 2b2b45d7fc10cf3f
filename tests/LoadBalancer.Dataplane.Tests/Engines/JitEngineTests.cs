using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Jit;
using static LoadBalancer.Dataplane.Tests.XdpTestPrograms;

namespace LoadBalancer.Dataplane.Tests.Engines;

public sealed class JitEngineTests
{
    /// <summary>Drops UDP to port 53, swaps the MACs and transmits TCP, passes everything else.</summary>
    private const string Classifier = """
        r0 = 1
        r2 = *(u32 *)(r1 + 0)
        r3 = *(u32 *)(r1 + 4)
        r4 = r2
        r4 += 38
        if r4 > r3 goto out
        r0 = 2
        r5 = *(u8 *)(r2 + 23)
        if r5 == 6 goto tcp
        if r5 != 17 goto out
        r5 = *(u16 *)(r2 + 36)
        if r5 != 0x3500 goto out
        r0 = 1
        goto out
        tcp:
        r5 = *(u32 *)(r2 + 0)
        r6 = *(u16 *)(r2 + 4)
        r7 = *(u32 *)(r2 + 6)
        r8 = *(u16 *)(r2 + 10)
        *(u32 *)(r2 + 0) = r7
        *(u16 *)(r2 + 4) = r8
        *(u32 *)(r2 + 6) = r5
        *(u16 *)(r2 + 10) = r6
        r0 = 3
        out:
        exit
        """;

    [Fact]
    public void The_jit_is_selected_by_name_and_compiles_once_per_program()
    {
        Assert.Same(JitEngine.Instance, ProgramEngines.Get("JIT"));
        Assert.Contains("jit", ProgramEngines.Names);
        var program = Assemble(Classifier);
        Assert.Same(JitCompiler.GetOrCompile(program), JitCompiler.GetOrCompile(program));
        Assert.Same(program, JitEngine.Instance.Prepare(program).Program);
    }

    [Fact]
    public void The_jit_gives_the_interpreters_actions_and_packets()
    {
        var program = Assemble(Classifier);
        using var interpreted = new XdpProgramRunner(program, InterpreterEngine.Instance);
        using var jitted = new XdpProgramRunner(program, JitEngine.Instance);
        byte[][] packets = [Packets.Udp(40000, 53), Packets.Udp(40000, 54), Packets.Tcp(40000, 80), Packets.Udp(40000, 53)[..20], []];
        foreach (var packet in packets)
        {
            var expected = interpreted.Run(packet);
            var actual = jitted.Run(packet);
            Assert.Equal(expected.Action, actual.Action);
            Assert.Equal(interpreted.Buffer.Data.ToArray(), jitted.Buffer.Data.ToArray());
        }

        Assert.Equal(XdpAction.Tx, jitted.Run(Packets.Tcp(40000, 80)).Action);
    }
}
