using System.Buffers.Binary;
using LoadBalancer.Dataplane.Xdp;

namespace LoadBalancer.Dataplane.Tests.Xdp;

/// <summary>The committed clang-14 objects run through the runner with real packets.</summary>
public sealed class CompiledXdpProgramTests
{
    [Fact]
    public void Port_filter_drops_blocked_ports_counts_them_and_passes_the_rest()
    {
        using var loaded = TestObjects.Load("parser");
        var blocked = loaded.GetMap("blocked_ports");
        blocked.Update<ushort, ulong>(53, 0);
        blocked.Update<ushort, ulong>(22, 100);
        using var runner = XdpProgramRunner.Create(loaded, "xdp_port_filter");

        var dns = Packets.Udp(40000, 53);
        Assert.Equal(XdpAction.Drop, runner.Run(dns).Action);
        Assert.Equal(dns, runner.Buffer.Data.ToArray());
        Assert.Equal(XdpAction.Drop, runner.Run(Packets.Tcp(40000, 22)).Action);
        Assert.Equal(XdpAction.Drop, runner.Run(Packets.Udp(1, 53)).Action);
        Assert.Equal(XdpAction.Pass, runner.Run(Packets.Udp(53, 54)).Action);
        Assert.Equal(XdpAction.Pass, runner.Run(Packets.Tcp(53, 80)).Action);
        Assert.Equal(XdpAction.Pass, runner.Run(Packets.Icmp()).Action);
        Assert.Equal(XdpAction.Pass, runner.Run(Packets.Ipv6Udp(1, 53)).Action);

        Assert.Equal(2ul, blocked.Lookup<ushort, ulong>(53));
        Assert.Equal(101ul, blocked.Lookup<ushort, ulong>(22));
    }

    [Theory]
    [InlineData(13)]  // Ethernet header cut
    [InlineData(33)]  // IPv4 header cut
    [InlineData(41)]  // UDP header cut
    public void Port_filter_drops_truncated_headers(int length)
    {
        using var loaded = TestObjects.Load("parser");
        using var runner = XdpProgramRunner.Create(loaded, "xdp");

        var result = runner.Run(Packets.Udp(1, 80).AsSpan(0, length));

        Assert.Equal(XdpAction.Drop, result.Action);
        Assert.False(result.Faulted);
    }

    [Fact]
    public void Ipip_encap_prepends_an_outer_header_with_the_configured_addresses()
    {
        using var loaded = TestObjects.Load("encap", o => o.SetGlobal("outer_src", 0xc0a80001u).SetGlobal("outer_dst", 0xc0a80002u));
        using var runner = XdpProgramRunner.Create(loaded, "xdp_ipip_encap");
        var inner = Packets.Tcp(40000, 443, payloadLength: 10);

        var result = runner.Run(inner);

        Assert.Equal(XdpAction.Tx, result.Action);
        Assert.Equal(XdpBuffer.Headroom - 20, result.DataOffset);
        Assert.Equal(ExpectedIpip(inner, [192, 168, 0, 1], [192, 168, 0, 2]), runner.Buffer.Data.ToArray());
    }

    [Fact]
    public void Ipip_encap_uses_the_compiled_defaults()
    {
        using var loaded = TestObjects.Load("encap");
        using var runner = XdpProgramRunner.Create(loaded, "xdp");
        var inner = Packets.Udp(5000, 6000);

        runner.Run(inner);

        Assert.Equal(ExpectedIpip(inner, [10, 0, 0, 1], [10, 0, 0, 2]), runner.Buffer.Data.ToArray());
    }

    [Fact]
    public void Ipip_encap_of_a_runt_drops_after_growing_the_head()
    {
        using var loaded = TestObjects.Load("encap");
        using var runner = XdpProgramRunner.Create(loaded, "xdp");

        var result = runner.Run(Packets.Udp(5000, 6000).AsSpan(0, 30));

        Assert.Equal(XdpAction.Drop, result.Action);
        Assert.Equal(50, result.DataLength);
    }

    [Fact]
    public void Tail_call_chain_runs_through_the_runner_and_follows_the_prog_array()
    {
        using var loaded = TestObjects.Load("tailcall");
        using var runner = XdpProgramRunner.Create(loaded, "entry");

        Assert.Equal(XdpAction.Pass, runner.Run(Packets.Udp(1, 2)).Action);
        Assert.True(loaded.GetMap("jump_table").Delete<uint>(2));
        Assert.Equal(XdpAction.Drop, runner.Run(Packets.Udp(1, 2)).Action);
    }

    [Theory]
    [InlineData("parser")]
    [InlineData("encap")]
    public void Warm_compiled_program_allocates_nothing_per_packet(string name)
    {
        using var loaded = TestObjects.Load(name);
        if (name == "parser")
        {
            loaded.GetMap("blocked_ports").Update<ushort, ulong>(53, 0);
        }

        using var runner = XdpProgramRunner.Create(loaded, "xdp");
        byte[][] packets = [Packets.Udp(1, 53), Packets.Tcp(1, 80), Packets.Udp(1, 54)[..30], Packets.Icmp()];
        var buffers = new XdpBuffer[32];
        var results = new XdpResult[buffers.Length];
        for (var i = 0; i < buffers.Length; i++)
        {
            buffers[i] = new XdpBuffer();
        }

        for (var round = 0; round < 103; round++)
        {
            if (round == 3)
            {
                Array.Clear(results);
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < buffers.Length; i++)
            {
                buffers[i].Load(packets[i % packets.Length]);
            }

            runner.RunBatch(buffers, results);
            if (round >= 3)
            {
                Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        }

        Assert.All(results, r => Assert.False(r.Faulted));
        Assert.Equal(name == "parser" ? XdpAction.Drop : XdpAction.Tx, results[0].Action);
        foreach (var buffer in buffers)
        {
            buffer.Dispose();
        }
    }

    [Fact]
    public void Workers_on_their_own_threads_share_the_maps()
    {
        using var loaded = TestObjects.Load("parser", cpuCount: 2);
        loaded.GetMap("blocked_ports").Update<ushort, ulong>(53, 0);
        const int PerWorker = 20000;
        var workers = new Thread[2];
        var drops = new int[workers.Length];
        for (var w = 0; w < workers.Length; w++)
        {
            var index = w;
            workers[w] = new Thread(() =>
            {
                using var runner = XdpProgramRunner.Create(loaded, "xdp", processorId: index);
                using var buffer = new XdpBuffer();
                var packet = Packets.Udp((ushort)(1000 + index), 53);
                for (var i = 0; i < PerWorker; i++)
                {
                    buffer.Load(packet);
                    if (runner.Run(buffer).Action == XdpAction.Drop)
                    {
                        drops[index]++;
                    }
                }
            });
            workers[w].Start();
        }

        foreach (var worker in workers)
        {
            Assert.True(worker.Join(TimeSpan.FromMinutes(2)));
        }

        Assert.Equal([PerWorker, PerWorker], drops);
        Assert.Equal((ulong)(PerWorker * workers.Length), loaded.GetMap("blocked_ports").Lookup<ushort, ulong>(53));
    }

    /// <summary>The IPIP packet built independently of the program: Ethernet copied, outer IPv4 header, the inner IP packet.</summary>
    internal static byte[] ExpectedIpip(byte[] frame, byte[] source, byte[] destination)
    {
        var innerIp = frame.AsSpan(14);
        var outer = new byte[20];
        outer[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(outer.AsSpan(2), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(innerIp[2..]) + 20));
        outer[8] = 64;
        outer[9] = 4; // IPPROTO_IPIP
        source.CopyTo(outer, 12);
        destination.CopyTo(outer, 16);
        return [.. frame.AsSpan(0, 14), .. outer, .. innerIp];
    }
}
