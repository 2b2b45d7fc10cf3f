using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Runtime;

namespace LoadBalancer.Dataplane.Tests.Engines;

/// <summary>
/// Clang-compiled XDP objects (maps, context conversion, every XDP helper, packet rewrites) run by the
/// interpreter and by the JIT, each on its own loaded copy of the object: every packet gets the same
/// verdict and leaves the same bytes.
/// </summary>
public sealed class JitObjectTests
{
    [Theory]
    [InlineData("parser", "xdp_port_filter")]
    [InlineData("encap", "xdp_ipip_encap")]
    [InlineData("xdp_helpers", "xdp_helpers")]
    public void Clang_objects_give_the_same_verdicts_and_packets_in_the_jit(string objectName, string programName)
    {
        using var interpretedObject = Load(objectName);
        using var jittedObject = Load(objectName);
        using var interpreted = XdpProgramRunner.Create(interpretedObject, programName, InterpreterEngine.Instance);
        using var jitted = XdpProgramRunner.Create(jittedObject, programName, JitEngine.Instance);
        var generator = new PacketGenerator(2026);
        var random = new Random(11);
        var actions = new int[5];
        for (var i = 0; i < 600; i++)
        {
            var packet = i % 2 == 0 ? generator.Next() : Packets.Udp((ushort)random.Next(0, 20), (ushort)(1000 * random.Next(1, 9)), random.Next(0, 300));
            var expected = interpreted.Run(packet);
            var actual = jitted.Run(packet);
            var what = $"{programName} packet {i} ({Convert.ToHexString(packet)}): interpreter {expected.Run}, JIT {actual.Run}";
            Assert.True(expected.Run.Status == actual.Run.Status && expected.ReturnValue == actual.ReturnValue, what);
            Assert.True(interpreted.Buffer.MetadataAndData.SequenceEqual(jitted.Buffer.MetadataAndData), what);
            Assert.Equal(expected.Run.InstructionsExecuted, actual.Run.InstructionsExecuted);
            actions[(int)actual.Action]++;
        }

        Assert.True(actions.Count(a => a > 0) >= 2, $"only one verdict was exercised: {string.Join(", ", actions)}");
    }

    [Fact]
    public void The_balancer_program_gives_the_interpreters_verdicts_and_packets_in_the_jit()
    {
        var path = BalancerObject();
        if (path is null)
        {
            Assert.Skip("src/bpf/balancer.bpf.o is not beside the repository root.");
        }

        var obj = Ebpf.Objects.ObjectLoader.LoadFile(path);
        using var interpretedObject = new LoadedObject(obj, new LoadedObjectOptions { Helpers = XdpHelpers.CreateTable() });
        using var jittedObject = new LoadedObject(obj, new LoadedObjectOptions { Helpers = XdpHelpers.CreateTable() });
        using var interpreted = XdpProgramRunner.Create(interpretedObject, "xdp_balancer", InterpreterEngine.Instance);
        using var jitted = XdpProgramRunner.Create(jittedObject, "xdp_balancer", JitEngine.Instance);
        var code = Ebpf.Jit.JitCompiler.GetOrCompile(jitted.Program);
        TestContext.Current.TestOutputHelper?.WriteLine($"{jitted.Program.Length} slots: {code}");
        var generator = new PacketGenerator(99);
        var packets = new byte[1000][];
        long instructions = 0;
        for (var i = 0; i < packets.Length; i++)
        {
            var packet = packets[i] = generator.Next();
            var expected = interpreted.Run(packet);
            var actual = jitted.Run(packet);
            var what = $"packet {i} ({Convert.ToHexString(packet)}): interpreter {expected.Run}, JIT {actual.Run}";
            Assert.True(expected.Run.Status == actual.Run.Status && expected.ReturnValue == actual.ReturnValue && expected.Run.InstructionsExecuted == actual.Run.InstructionsExecuted, what);
            Assert.True(interpreted.Buffer.MetadataAndData.SequenceEqual(jitted.Buffer.MetadataAndData), what);
            instructions += actual.Run.InstructionsExecuted;
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{instructions / packets.Length} instructions/packet; interpreter {Time(interpreted, packets):F0} ns/packet, JIT {Time(jitted, packets):F0} ns/packet (runner included)");
    }

    private static double Time(XdpProgramRunner runner, byte[][] packets)
    {
        var best = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            foreach (var packet in packets)
            {
                runner.Run(packet);
            }

            best = Math.Min(best, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalNanoseconds / packets.Length);
        }

        return best;
    }

    private static string? BalancerObject()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "bpf", "balancer.bpf.o");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static LoadedObject Load(string name)
    {
        var loaded = TestObjects.Load(name);
        if (name == "xdp_helpers")
        {
            loaded.GetMap("tx_ports").Update<uint, uint>(1, 1);
        }
        else if (name == "parser")
        {
            foreach (ushort port in new ushort[] { 53, 22, 8080, 1000, 3000 })
            {
                loaded.GetMap("blocked_ports").Update<ushort, ulong>(port, 0);
            }
        }

        return loaded;
    }
}
