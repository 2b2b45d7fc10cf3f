using System.Net;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerHarness;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerLayout;
using static LoadBalancer.Balancer.Tests.Bpf.Frames;

namespace LoadBalancer.Balancer.Tests.Bpf;

public class BalancerFlowTableTests
{
    /// <summary>The engine the fixtures run in; the OnRuntime subclass runs every fixture in the project's runtime.</summary>
    protected virtual BpfEngine Engine => BpfEngine.Kernel;

    private static readonly IPAddress Vip4 = Ip("10.0.0.60");
    private static readonly IPAddress Vip6 = Ip("2001:db8::60");
    private static readonly IPAddress Client4 = Ip("198.51.100.60");
    private static readonly IPAddress Client6 = Ip("2001:db8:ffff::60");
    private static readonly IPAddress[] Reals4 = [Ip("192.168.6.1"), Ip("192.168.6.2"), Ip("192.168.6.3")];
    private static readonly IPAddress[] Reals6 = [Ip("fd00::61"), Ip("fd00::62"), Ip("fd00::63")];

    [Fact]
    public void Ipv6_udp_flow_follows_an_lru_entry_written_with_the_documented_key_layout()
    {
        using var s = new Scenario(Engine, Vip6, 53, 17, 0, Reals6);
        var flow = FlowKey(Client6, Vip6, 5300, 53, 17);
        var other = s.Pick(flow) % 3 + 1;
        s.Lb.SetLru(flow, other);
        var frame = Udp(Client6, Vip6, 5300, 53);

        var (_, output) = s.Lb.Run(frame);

        Assert.Equal(s.ExpectedTo(frame, other, flow), output);
        Assert.Equal(1ul, s.Lb.Stats()[StatsEventBase + EventLruHit].Packets);
    }

    [Fact]
    public void Lru_entry_naming_real_zero_counts_as_a_miss_and_is_replaced()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var flow = FlowKey(Client4, Vip4, 40100, 80, 6);
        s.Lb.SetLru(flow, 0);
        var frame = Tcp(Client4, Vip4, 40100, 80, syn: false, ack: true);

        var (_, output) = s.Lb.Run(frame);

        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
        Assert.Equal(s.Pick(flow), s.Lb.LruReal(flow));
        Assert.Equal(1ul, s.Lb.Stats()[StatsEventBase + EventLruMiss].Packets);
    }

    [Fact]
    public void Syn_ack_is_no_new_flow_and_uses_the_lru_entry()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var flow = FlowKey(Client4, Vip4, 40101, 80, 6);
        var other = s.Pick(flow) % 3 + 1;
        s.Lb.SetLru(flow, other);
        var frame = Tcp(Client4, Vip4, 40101, 80, syn: true, ack: true);

        var (_, output) = s.Lb.Run(frame);

        Assert.Equal(s.ExpectedTo(frame, other, flow), output);
    }

    [Fact]
    public void Lru_entry_records_the_pick_and_a_last_seen_time()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var flow = FlowKey(Client4, Vip4, 40102, 80, 6);

        s.Lb.Run(Tcp(Client4, Vip4, 40102, 80, syn: true, ack: false));
        var value = new byte[16];
        Assert.True(s.Lb.Xdp.Map("lru_flows").Lookup(flow, value));
        var first = BitConverter.ToUInt64(value, 8);
        s.Lb.Run(Tcp(Client4, Vip4, 40102, 80, syn: false, ack: true));
        Assert.True(s.Lb.Xdp.Map("lru_flows").Lookup(flow, value));

        Assert.Equal(s.Pick(flow), BitConverter.ToUInt32(value, 0));
        Assert.Equal(0u, BitConverter.ToUInt32(value, 4));
        Assert.NotEqual(0ul, first);
        Assert.True(BitConverter.ToUInt64(value, 8) >= first);
    }

    [Fact]
    public void Hash_src_only_and_dport_only_together_hash_the_source_address_and_the_port()
    {
        const uint flags = VipHashSrcOnly | VipHashDportOnly;
        using var s = new Scenario(Engine, Vip4, 0, 6, flags, Reals4);
        var a = FlowKey(Client4, Vip4, 1111, 80, 6);
        var b = FlowKey(Client4, Vip4, 2222, 80, 6);
        var c = FlowKey(Client4, Vip4, 1111, 81, 6);
        Assert.Equal(s.Hash(a), s.Hash(b));
        Assert.NotEqual(s.Hash(a), s.Hash(c));

        foreach (var (sport, dport, key) in new[] { ((ushort)1111, (ushort)80, a), ((ushort)2222, (ushort)80, b), ((ushort)1111, (ushort)81, c) })
        {
            var frame = Tcp(Client4, Vip4, sport, dport, syn: true, ack: false);
            var (_, output) = s.Lb.Run(frame);
            Assert.Equal(s.ExpectedTo(frame, s.Pick(key), key), output);
        }
    }

    [Fact]
    public void Counters_accumulate_packets_and_received_bytes_per_vip_and_real()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, VipNoLru, Reals4);
        var small = Tcp(Client4, Vip4, 40103, 80, syn: false, ack: true);
        var large = Tcp(Client4, Vip4, 40103, 80, syn: false, ack: true, data: new byte[500]);
        var real = s.Pick(FlowKey(Client4, Vip4, 40103, 80, 6));

        s.Lb.Run(small);
        s.Lb.Run(large);
        s.Lb.Run(small);

        var bytes = (ulong)(small.Length * 2 + large.Length);
        var stats = s.Lb.Stats();
        Assert.Equal((3ul, bytes), stats[StatsVipBase + 1]);
        Assert.Equal((3ul, bytes), stats[StatsRealBase + (int)real]);
        Assert.Equal((3ul, bytes), stats[StatsActionBase + (int)XdpTx]);
        Assert.Equal((3ul, bytes), stats[StatsEventBase + EventEncapIpip]);
    }

    [Fact]
    public void Gue_encapsulation_keeps_a_vlan_tag()
    {
        using var s = new Scenario(Engine, Vip6, 443, 6, VipGue, Reals6);
        var frame = WithVlan(Tcp(Client6, Vip6, 50100, 443, syn: true, ack: false), 7);
        var flow = FlowKey(Client6, Vip6, 50100, 443, 6);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
    }

    [Fact]
    public void Time_exceeded_about_a_udp_vip_flow_goes_to_the_flows_real()
    {
        using var s = new Scenario(Engine, Vip4, 53, 17, 0, Reals4);
        var flow = FlowKey(Client4, Vip4, 5301, 53, 17);
        var quoted = new byte[28];
        quoted[0] = 0x45;
        quoted[3] = 28;
        quoted[8] = 1;
        quoted[9] = 17;
        Vip4.GetAddressBytes().CopyTo(quoted, 12);
        Client4.GetAddressBytes().CopyTo(quoted, 16);
        quoted[20] = 0;
        quoted[21] = 53;
        quoted[22] = 5301 >> 8;
        quoted[23] = 5301 & 0xff;
        var rest = new byte[4 + quoted.Length];
        quoted.CopyTo(rest, 4);
        var frame = Icmp(Ip("203.0.113.9"), Vip4, 11, 0, rest);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
        Assert.Null(s.Lb.LruReal(flow));
    }
}
