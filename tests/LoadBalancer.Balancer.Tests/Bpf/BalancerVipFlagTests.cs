using System.Net;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerHarness;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerLayout;
using static LoadBalancer.Balancer.Tests.Bpf.FrameEdits;
using static LoadBalancer.Balancer.Tests.Bpf.Frames;

namespace LoadBalancer.Balancer.Tests.Bpf;

public class BalancerVipFlagTests
{
    /// <summary>The engine the fixtures run in; the OnRuntime subclass runs every fixture in the project's runtime.</summary>
    protected virtual BpfEngine Engine => BpfEngine.Kernel;

    private static readonly IPAddress Vip = Ip("10.0.0.20");
    private static readonly IPAddress Client = Ip("198.51.100.9");
    private static readonly IPAddress[] Reals = [Ip("192.168.2.1"), Ip("192.168.2.2"), Ip("192.168.2.3")];

    [Fact]
    public void No_lru_vip_neither_reads_nor_writes_the_flow_table()
    {
        using var s = new Scenario(Engine, Vip, 80, 6, VipNoLru, Reals);
        var flow = FlowKey(Client, Vip, 40000, 80, 6);
        var pick = s.Pick(flow);
        var stale = FlowKey(Client, Vip, 40001, 80, 6);
        s.Lb.SetLru(stale, s.Pick(stale) % 3 + 1);

        var (_, output) = s.Lb.Run(Tcp(Client, Vip, 40000, 80, syn: false, ack: true));
        var staleFrame = Tcp(Client, Vip, 40001, 80, syn: false, ack: true);
        var (_, staleOutput) = s.Lb.Run(staleFrame);

        Assert.Equal(s.RealAddress(pick).GetAddressBytes(), output[30..34]);
        Assert.Equal(s.ExpectedTo(staleFrame, s.Pick(stale), stale), staleOutput);
        Assert.Null(s.Lb.LruReal(flow));
        var stats = s.Lb.Stats();
        Assert.False(stats.ContainsKey(StatsEventBase + EventLruHit));
        Assert.False(stats.ContainsKey(StatsEventBase + EventLruMiss));
    }

    [Fact]
    public void Hash_src_only_sends_every_port_of_a_client_to_the_same_real()
    {
        using var s = new Scenario(Engine, Vip, 80, 6, VipHashSrcOnly, Reals);
        var first = FlowKey(Client, Vip, 1, 80, 6);
        var expected = s.Pick(first);
        Assert.NotEqual(FlowHashReference.FlowHash(first, 0), FlowHashReference.FlowHash(first, VipHashSrcOnly));

        for (ushort port = 2000; port < 2010; port++)
        {
            var frame = Tcp(Client, Vip, port, 80, syn: true, ack: false);
            var flow = FlowKey(Client, Vip, port, 80, 6);
            Assert.Equal(FlowHashReference.FlowHash(first, VipHashSrcOnly), s.Hash(flow));
            var (_, output) = s.Lb.Run(frame);
            Assert.Equal(s.ExpectedTo(frame, expected, flow), output);
        }
    }

    [Fact]
    public void Hash_dport_only_sends_every_client_of_a_port_to_the_same_real()
    {
        using var s = new Scenario(Engine, Vip, 0, 17, VipHashDportOnly, Reals);
        var reference = FlowKey(Ip("203.0.113.1"), Vip, 1, 5000, 17);
        var expected = s.Pick(reference);

        for (var i = 1; i <= 8; i++)
        {
            var client = Ip($"203.0.113.{i * 7}");
            var frame = Udp(client, Vip, (ushort)(3000 + i), 5000);
            var flow = FlowKey(client, Vip, (ushort)(3000 + i), 5000, 17);
            var (_, output) = s.Lb.Run(frame);
            Assert.Equal(s.ExpectedTo(frame, expected, flow), output);
        }
    }

    [Fact]
    public void Local_vip_passes_the_packet_to_the_kernel_and_counts_it()
    {
        using var s = new Scenario(Engine, Vip, 80, 6, VipLocal, Reals);
        var frame = Tcp(Client, Vip, 40002, 80, syn: true, ack: false);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpPass, action);
        Assert.Equal(frame, output);
        var bytes = (ulong)frame.Length;
        Assert.Equal(
            new Dictionary<int, (ulong, ulong)>
            {
                [StatsVipBase + 1] = (1, bytes),
                [StatsEventBase + EventLocal] = (1, bytes),
                [StatsActionBase + (int)XdpPass] = (1, bytes),
            },
            s.Lb.Stats());
    }

    [Fact]
    public void Udp_sticky_off_keeps_udp_flows_out_of_the_lru()
    {
        using var s = new Scenario(Engine, Vip, 53, 17, VipUdpStickyOff, Reals);
        var flow = FlowKey(Client, Vip, 5353, 53, 17);
        s.Lb.SetLru(flow, s.Pick(flow) % 3 + 1);
        var frame = Udp(Client, Vip, 5353, 53);

        var (_, output) = s.Lb.Run(frame);

        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
        var fresh = FlowKey(Client, Vip, 5354, 53, 17);
        s.Lb.Run(Udp(Client, Vip, 5354, 53));
        Assert.Null(s.Lb.LruReal(fresh));
    }

    [Fact]
    public void Udp_sticky_off_leaves_tcp_flows_in_the_lru()
    {
        using var s = new Scenario(Engine, Vip, 0, 6, VipUdpStickyOff, Reals);
        var flow = FlowKey(Client, Vip, 40003, 443, 6);

        s.Lb.Run(Tcp(Client, Vip, 40003, 443, syn: false, ack: true));

        Assert.Equal(s.Pick(flow), s.Lb.LruReal(flow));
    }

    [Theory]
    [InlineData("short")]
    [InlineData("handshake")]
    public void Quic_packet_with_a_known_server_id_goes_to_that_real_without_touching_the_lru(string header)
    {
        using var s = new Scenario(Engine, Vip, 443, 17, VipQuic, Reals);
        var flow = FlowKey(Client, Vip, 50000, 443, 17);
        var target = s.Pick(flow) % 3 + 1;
        s.Lb.Xdp.SetArray("quic_server_ids", 0x1234, BitConverter.GetBytes(target));
        var frame = Udp(Client, Vip, 50000, 443, header == "short" ? ShortHeader(0x1234) : LongHeader(2, 0x1234));

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, target, flow), output);
        Assert.Null(s.Lb.LruReal(flow));
        Assert.Equal(1ul, s.Lb.Stats()[StatsEventBase + EventQuicRouted].Packets);
    }

    [Theory]
    [InlineData("initial")]
    [InlineData("unknown-id")]
    [InlineData("zero-id")]
    [InlineData("too-short")]
    public void Quic_packet_without_a_routable_server_id_falls_back_to_maglev(string kind)
    {
        using var s = new Scenario(Engine, Vip, 443, 17, VipQuic, Reals);
        var flow = FlowKey(Client, Vip, 50001, 443, 17);
        s.Lb.Xdp.SetArray("quic_server_ids", 0x1234, BitConverter.GetBytes(s.Pick(flow) % 3 + 1));
        byte[] payload = kind switch
        {
            "initial" => LongHeader(0, 0x1234),
            "unknown-id" => ShortHeader(0x4321),
            "zero-id" => ShortHeader(0),
            _ => [0x40, 0x00],
        };
        var frame = Udp(Client, Vip, 50001, 443, payload);

        var (_, output) = s.Lb.Run(frame);

        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
        Assert.Equal(s.Pick(flow), s.Lb.LruReal(flow));
        Assert.Equal(1ul, s.Lb.Stats()[StatsEventBase + EventQuicFallback].Packets);
    }
}
