using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Runtime;
using LoadBalancer.Ebpf.Tests.Objects;

namespace LoadBalancer.Ebpf.Tests.Runtime;

/// <summary>
/// The same clang objects and packets through our interpreter and through the kernel
/// (BPF_PROG_TEST_RUN): return values, output packets and map contents must be identical.
/// </summary>
public sealed class KernelDifferentialTests
{
    public static TheoryData<string, string> Programs => new()
    {
        { "parser", "xdp_port_filter" },
        { "globals", "xdp_globals" },
        { "tailcall", "entry" },
        { "tailcall", "stage1" },
        { "calls", "xdp_first" },
        { "calls", "xdp_second" },
        { "maps", "use_all_maps" },
        { "helpers", "xdp_count_bytes" },
        { "helpers", "xdp_csum" },
        { "helpers", "xdp_queue" },
        { "helpers", "xdp_ringbuf" },
        { "helpers", "xdp_callbacks" },
        { "helpers", "xdp_printk" },
        { "helpers", "xdp_tail_self" },
    };

    [Theory]
    [MemberData(nameof(Programs))]
    public void Interpreter_matches_the_kernel_on_return_values_packets_and_maps(string objectName, string programName)
    {
        if (!KernelBpf.IsAvailable)
        {
            Assert.Skip($"the kernel's bpf() is not available: {KernelBpf.UnavailableReason}");
        }

        var bpfObject = TestObjects.Load(objectName);
        using var loaded = new LoadedObject(bpfObject);
        using IKernelTwin kernel = KernelObjectTwin.NeedsFuncInfo(bpfObject.FindProgram(programName)!) ? new LibbpfTwin(objectName) : new KernelObjectTwin(bpfObject);
        Arrange(objectName, loaded, kernel);
        using var runner = new XdpRunner(loaded);
        var step = 0;
        foreach (var packet in PacketMix())
        {
            var (ours, ourPacket) = runner.Run(programName, packet);
            var (retval, kernelPacket) = kernel.Run(programName, packet);
            Assert.True(ours.Succeeded, $"packet {step}: {ours}");
            Assert.True(retval == ours.ReturnValue, $"packet {step}: kernel r0 {retval}, ours {ours.ReturnValue}");
            Assert.Equal(Convert.ToHexString(kernelPacket), Convert.ToHexString(ourPacket));
            step++;
        }

        foreach (var definition in bpfObject.Maps)
        {
            if (definition.Type is MapType.ProgArray or MapType.PerfEventArray or MapType.RingBuf or MapType.ArrayOfMaps or MapType.HashOfMaps)
            {
                continue;
            }

            Assert.Equal(kernel.Snapshot(definition.Name), MapSnapshot.Of(loaded.GetMap(definition.Name)));
        }
    }

    [Theory]
    [InlineData("parser", "xdp_port_filter")]
    [InlineData("helpers", "xdp_count_bytes")]
    [InlineData("helpers", "xdp_queue")]
    [InlineData("helpers", "xdp_ringbuf")]
    [InlineData("helpers", "xdp_callbacks")]
    [InlineData("globals", "xdp_globals")]
    public void Interpreter_matches_the_kernel_on_random_packets(string objectName, string programName)
    {
        if (!KernelBpf.IsAvailable)
        {
            Assert.Skip($"the kernel's bpf() is not available: {KernelBpf.UnavailableReason}");
        }

        var bpfObject = TestObjects.Load(objectName);
        using var loaded = new LoadedObject(bpfObject);
        using IKernelTwin kernel = KernelObjectTwin.NeedsFuncInfo(bpfObject.FindProgram(programName)!) ? new LibbpfTwin(objectName) : new KernelObjectTwin(bpfObject);
        Arrange(objectName, loaded, kernel);
        using var runner = new XdpRunner(loaded);
        var random = new Random(programName.Length * 7919);
        for (var i = 0; i < 150; i++)
        {
            // Real UDP/TCP frames with random ports, lengths and payload bytes, and random garbage frames.
            var packet = random.Next(4) switch
            {
                0 => Packets.Udp((uint)random.Next(), (uint)random.Next(), (ushort)random.Next(65536), (ushort)(random.Next(2) == 0 ? 53 : random.Next(65536)), random.Next(0, 300), (byte)random.Next(256)),
                1 => Packets.Tcp((uint)random.Next(), (uint)random.Next(), (ushort)random.Next(65536), (ushort)(random.Next(2) == 0 ? 8080 : random.Next(65536)), random.Next(0, 300), (byte)random.Next(256)),
                _ => RandomFrame(random),
            };
            var (ours, ourPacket) = runner.Run(programName, packet);
            var (retval, kernelPacket) = kernel.Run(programName, packet);
            Assert.True(ours.Succeeded, $"packet {i}: {ours}");
            Assert.True(retval == ours.ReturnValue, $"packet {i} ({Convert.ToHexString(packet)}): kernel r0 {retval}, ours {ours.ReturnValue}");
            Assert.Equal(Convert.ToHexString(kernelPacket), Convert.ToHexString(ourPacket));
        }

        foreach (var definition in bpfObject.Maps)
        {
            if (definition.Type is not (MapType.ProgArray or MapType.PerfEventArray or MapType.RingBuf or MapType.ArrayOfMaps or MapType.HashOfMaps))
            {
                Assert.Equal(kernel.Snapshot(definition.Name), MapSnapshot.Of(loaded.GetMap(definition.Name)));
            }
        }
    }

    private static byte[] RandomFrame(Random random)
    {
        var frame = new byte[random.Next(14, 200)];
        random.NextBytes(frame);
        return frame;
    }

    [Fact]
    public void Csum_diff_matches_the_kernel_on_random_words()
    {
        if (!KernelBpf.IsAvailable)
        {
            Assert.Skip($"the kernel's bpf() is not available: {KernelBpf.UnavailableReason}");
        }

        var bpfObject = TestObjects.Load("helpers");
        using var loaded = new LoadedObject(bpfObject);
        using var kernel = new KernelObjectTwin(bpfObject);
        using var runner = new XdpRunner(loaded);
        var random = new Random(1234);
        for (var i = 0; i < 64; i++)
        {
            var packet = new byte[14 + 20 + random.Next(0, 40)];
            random.NextBytes(packet);
            if (i % 8 == 0)
            {
                packet.AsSpan(14, 20).Fill(i == 0 ? (byte)0 : (byte)0xff);
            }

            var (ours, ourPacket) = runner.Run("xdp_csum", packet);
            var (retval, kernelPacket) = kernel.Run("xdp_csum", packet);
            Assert.Equal(retval, ours.ReturnValue);
            Assert.Equal(Convert.ToHexString(kernelPacket), Convert.ToHexString(ourPacket));
            Assert.Equal(kernel.Snapshot("results"), MapSnapshot.Of(loaded.GetMap("results")));
        }
    }

    /// <summary>Per-object state both sides start with (a blocked port for the parser).</summary>
    private static void Arrange(string objectName, LoadedObject loaded, IKernelTwin kernel)
    {
        if (objectName == "parser")
        {
            foreach (ushort port in new ushort[] { 53, 8080 })
            {
                loaded.GetMap("blocked_ports").Update<ushort, ulong>(port, 0);
                kernel.Update("blocked_ports", BitConverter.GetBytes(port), BitConverter.GetBytes(0UL));
            }
        }
    }

    /// <summary>UDP and TCP frames of several sizes and ports, a runt and a non-IP frame.</summary>
    private static IEnumerable<byte[]> PacketMix()
    {
        yield return Packets.Udp(0x0a000001, 0x0a000002, 40000, 53, 18);
        yield return Packets.Tcp(0x0a000003, 0x0a000002, 40001, 80, 0);
        yield return Packets.Udp(0xc0a80001, 0x0a000002, 1234, 8080, 120, fill: 0xff);
        yield return Packets.Tcp(0x0a000004, 0x0a000002, 40002, 8080, 200, fill: 0x01);
        yield return Packets.Ethernet(0x86dd, new byte[46]);
        yield return Packets.Udp(0x0a000005, 0x0a000002, 5353, 53, 2, fill: 0x80);
        yield return Packets.Udp(0x0a000006, 0x0a000002, 9, 9, 1400, fill: 0x07);
        yield return Packets.Ethernet(0x0800, [0x45, 0, 0, 20]);
    }
}
