using LoadBalancer.Dataplane.Engines;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Text;
using static LoadBalancer.Dataplane.Tests.XdpTestPrograms;

namespace LoadBalancer.Dataplane.Tests.Xdp;

public sealed class XdpProgramRunnerTests
{
    [Fact]
    public void Classifier_gives_each_packet_its_action_and_rewrites_only_the_transmitted_one()
    {
        using var runner = new XdpProgramRunner(Assemble(Classifier));
        var dns = Packets.Udp(40000, 53);
        var other = Packets.Udp(40000, 54);
        var syn = Packets.Tcp(40000, 80);

        Assert.Equal(XdpAction.Drop, runner.Run(dns).Action);
        Assert.Equal(dns, runner.Buffer.Data.ToArray());
        Assert.Equal(XdpAction.Pass, runner.Run(other).Action);
        var tx = runner.Run(syn);
        Assert.Equal(XdpAction.Tx, tx.Action);
        Assert.Equal([.. syn.AsSpan(6, 6), .. syn.AsSpan(0, 6), .. syn.AsSpan(12)], runner.Buffer.Data.ToArray());
        Assert.Equal(XdpAction.Drop, runner.Run(dns[..20]).Action);
    }

    [Fact]
    public void Batch_results_line_up_with_their_buffers()
    {
        using var runner = new XdpProgramRunner(Assemble(Classifier));
        byte[][] packets = [Packets.Udp(1, 53), Packets.Tcp(1, 443), Packets.Udp(1, 5353), Packets.Icmp(), new byte[14]];
        XdpAction[] expected = [XdpAction.Drop, XdpAction.Tx, XdpAction.Pass, XdpAction.Pass, XdpAction.Drop];
        var buffers = new XdpBuffer[packets.Length];
        for (var i = 0; i < packets.Length; i++)
        {
            buffers[i] = new XdpBuffer();
            buffers[i].Load(packets[i]);
        }

        var results = new XdpResult[packets.Length];
        runner.RunBatch(buffers, results);

        for (var i = 0; i < packets.Length; i++)
        {
            Assert.Equal(expected[i], results[i].Action);
            Assert.Equal(packets[i].Length, results[i].DataLength);
            Assert.Equal(XdpBuffer.Headroom, results[i].DataOffset);
            buffers[i].Dispose();
        }
    }

    [Fact]
    public void Warm_batch_allocates_nothing()
    {
        using var runner = new XdpProgramRunner(Assemble(Classifier));
        byte[][] packets = [Packets.Udp(1, 53), Packets.Tcp(1, 443), Packets.Udp(1, 5353)];
        var buffers = new XdpBuffer[64];
        for (var i = 0; i < buffers.Length; i++)
        {
            buffers[i] = new XdpBuffer();
        }

        var results = new XdpResult[buffers.Length];
        for (var round = 0; round < 3; round++)
        {
            Load(buffers, packets);
            runner.RunBatch(buffers, results);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 100; round++)
        {
            Load(buffers, packets);
            runner.RunBatch(buffers, results);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(XdpAction.Tx, results[1].Action);
        foreach (var buffer in buffers)
        {
            buffer.Dispose();
        }
    }

    [Fact]
    public void Redirect_run_in_a_batch_allocates_nothing()
    {
        using var runner = new XdpProgramRunner(Assemble("""
            r1 = 5
            r2 = 0
            call 23
            exit
            """));
        using var buffer = new XdpBuffer();
        var packet = Packets.Udp(1, 2);
        buffer.Load(packet);
        runner.Run(buffer);

        var before = GC.GetAllocatedBytesForCurrentThread();
        XdpResult result = default;
        for (var i = 0; i < 1000; i++)
        {
            buffer.Load(packet);
            result = runner.Run(buffer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(XdpAction.Redirect, result.Action);
        Assert.Equal(5u, result.Redirect.Index);
    }

    [Fact]
    public void Fault_is_reported_as_aborted_with_the_instruction()
    {
        using var runner = new XdpProgramRunner(Assemble("""
            r2 = *(u32 *)(r1 + 0)
            r0 = *(u8 *)(r2 + 100)
            exit
            """));

        var result = runner.Run(Packets.Payload(60));

        Assert.True(result.Faulted);
        Assert.Equal(XdpAction.Aborted, result.Action);
        Assert.Equal(RunStatus.MemoryFault, result.Run.Status);
        Assert.Equal(1, result.Run.InstructionIndex);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(-1)]
    public void Return_value_outside_the_actions_counts_as_aborted(int value)
    {
        using var runner = new XdpProgramRunner(Assemble($"r0 = {value}\nexit"));

        var result = runner.Run(Packets.Payload(60));

        Assert.False(result.Faulted);
        Assert.Equal(XdpAction.Aborted, result.Action);
        Assert.Equal((ulong)(long)value, result.ReturnValue);
    }

    [Fact]
    public void Context_fields_read_the_buffer_ingress_interface_and_queue()
    {
        using var runner = new XdpProgramRunner(Assemble("""
            r2 = *(u32 *)(r1 + 12)
            r3 = *(u32 *)(r1 + 16)
            r3 <<= 8
            r0 = r2
            r0 |= r3
            exit
            """));
        using var buffer = new XdpBuffer { IngressIfindex = 3, RxQueueIndex = 2 };
        buffer.Load(Packets.Payload(60));

        Assert.Equal(0x203ul, runner.Run(buffer).ReturnValue);
    }

    [Fact]
    public void Program_without_the_xdp_context_layout_is_refused()
    {
        var plain = new BpfProgram(Assembler.Assemble("r0 = 2\nexit"), HelperTable.CreateDefault(), name: "plain");

        var error = Assert.Throws<ArgumentException>(() => new XdpProgramRunner(plain));

        Assert.Contains("xdp_md", error.Message);
    }

    [Fact]
    public void Packet_longer_than_a_page_frame_is_refused_with_the_limit()
    {
        using var runner = new XdpProgramRunner(Assemble("r0 = 2\nexit"));

        var error = Assert.Throws<ArgumentException>(() => runner.Run(new byte[3521]));

        Assert.Contains("3520", error.Message);
        Assert.Equal(XdpAction.Pass, runner.Run(new byte[3520]).Action);
    }

    [Fact]
    public void Engine_is_chosen_by_name()
    {
        Assert.Same(InterpreterEngine.Instance, ProgramEngines.Get("Interpreter"));
        Assert.Contains("interpreter", ProgramEngines.Names);
        var error = Assert.Throws<ArgumentException>(() => ProgramEngines.Get("jot"));
        Assert.Contains("available:", error.Message);
        Assert.Contains("interpreter", error.Message);
    }

    private static void Load(XdpBuffer[] buffers, byte[][] packets)
    {
        for (var i = 0; i < buffers.Length; i++)
        {
            buffers[i].Load(packets[i % packets.Length]);
        }
    }
}
