using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Jit;
using static LoadBalancer.Dataplane.Tests.XdpTestPrograms;

namespace LoadBalancer.Dataplane.Tests.Engines;

public sealed class JitEngineTests
{
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
