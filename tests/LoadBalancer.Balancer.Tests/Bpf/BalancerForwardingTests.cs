using System.Buffers.Binary;
using System.Net;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerHarness;
using static LoadBalancer.Balancer.Tests.Bpf.BalancerLayout;
using static LoadBalancer.Balancer.Tests.Bpf.FrameEdits;
using static LoadBalancer.Balancer.Tests.Bpf.Frames;

namespace LoadBalancer.Balancer.Tests.Bpf;

public class BalancerForwardingTests
{
    /// <summary>The engine the fixtures run in; the OnRuntime subclass runs every fixture in the project's runtime.</summary>
    protected virtual BpfEngine Engine => BpfEngine.Kernel;

    private static readonly IPAddress Vip4 = Ip("10.0.0.10");
    private static readonly IPAddress Vip6 = Ip("2001:db8::10");
    private static readonly IPAddress Client4 = Ip("198.51.100.7");
    private static readonly IPAddress Client6 = Ip("2001:db8:ffff::7");
    private static readonly IPAddress[] Reals4 = [Ip("192.168.1.1"), Ip("192.168.1.2"), Ip("192.168.1.3")];
    private static readonly IPAddress[] Reals6 = [Ip("fd00::1"), Ip("fd00::2"), Ip("fd00::3")];

    [Fact]
    public void Ipv4_tcp_syn_to_a_vip_is_ipip_encapsulated_toward_the_ring_pick()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var frame = Tcp(Client4, Vip4, 40000, 80, syn: true, ack: false);
        var flow = FlowKey(Client4, Vip4, 40000, 80, 6);
        var real = s.Pick(flow);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, real, flow), output);
        Assert.Equal(real, s.Lb.LruReal(flow));
        var bytes = (ulong)frame.Length;
        Assert.Equal(
            new Dictionary<int, (ulong, ulong)>
            {
                [StatsVipBase + 1] = (1, bytes),
                [StatsRealBase + (int)real] = (1, bytes),
                [StatsActionBase + (int)XdpTx] = (1, bytes),
                [StatsEventBase + EventTcpSyn] = (1, bytes),
                [StatsEventBase + EventEncapIpip] = (1, bytes),
            },
            s.Lb.Stats());
    }

    [Fact]
    public void Established_tcp_packet_follows_its_lru_entry_rather_than_the_ring()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var flow = FlowKey(Client4, Vip4, 40001, 80, 6);
        var other = s.Pick(flow) % 3 + 1;
        s.Lb.SetLru(flow, other);
        var frame = Tcp(Client4, Vip4, 40001, 80, syn: false, ack: true, data: [1, 2, 3]);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, other, flow), output);
        var stats = s.Lb.Stats();
        Assert.Equal(1ul, stats[StatsEventBase + EventLruHit].Packets);
        Assert.False(stats.ContainsKey(StatsEventBase + EventLruMiss));
        Assert.Equal(1ul, stats[StatsRealBase + (int)other].Packets);
    }

    [Fact]
    public void Syn_always_takes_a_fresh_maglev_pick_and_overwrites_the_lru_entry()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var flow = FlowKey(Client4, Vip4, 40002, 80, 6);
        var pick = s.Pick(flow);
        s.Lb.SetLru(flow, pick % 3 + 1);
        var frame = Tcp(Client4, Vip4, 40002, 80, syn: true, ack: false);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, pick, flow), output);
        Assert.Equal(pick, s.Lb.LruReal(flow));
        Assert.False(s.Lb.Stats().ContainsKey(StatsEventBase + EventLruHit));
    }

    [Fact]
    public void Established_packet_without_lru_entry_takes_the_ring_pick_and_inserts_it()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var flow = FlowKey(Client4, Vip4, 40003, 80, 6);
        var frame = Tcp(Client4, Vip4, 40003, 80, syn: false, ack: true);

        var (first, _) = s.Lb.Run(frame);
        var (second, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, first);
        Assert.Equal(XdpTx, second);
        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
        Assert.Equal(s.Pick(flow), s.Lb.LruReal(flow));
        var stats = s.Lb.Stats();
        Assert.Equal(1ul, stats[StatsEventBase + EventLruMiss].Packets);
        Assert.Equal(1ul, stats[StatsEventBase + EventLruHit].Packets);
        Assert.Equal(2ul, stats[StatsVipBase + 1].Packets);
    }

    [Fact]
    public void Ipv6_tcp_syn_to_an_ipv6_vip_is_ipv6_in_ipv6_encapsulated()
    {
        using var s = new Scenario(Engine, Vip6, 443, 6, 0, Reals6);
        var frame = Tcp(Client6, Vip6, 50000, 443, syn: true, ack: false);
        var flow = FlowKey(Client6, Vip6, 50000, 443, 6);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
        Assert.Equal(41, output[14 + 6]);
        Assert.Equal(1ul, s.Lb.Stats()[StatsEventBase + EventEncapIp6Ip6].Packets);
    }

    [Fact]
    public void Ipv4_vip_with_ipv6_reals_is_ipv4_in_ipv6_encapsulated()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals6);
        var frame = Tcp(Client4, Vip4, 40004, 80, syn: true, ack: false);
        var flow = FlowKey(Client4, Vip4, 40004, 80, 6);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
        Assert.Equal(4, output[14 + 6]);
        Assert.Equal(1ul, s.Lb.Stats()[StatsEventBase + EventEncapIp4Ip6].Packets);
    }

    [Fact]
    public void Ipv6_vip_with_ipv4_reals_is_ipv6_in_ipv4_encapsulated()
    {
        using var s = new Scenario(Engine, Vip6, 443, 6, 0, Reals4);
        var frame = Tcp(Client6, Vip6, 50001, 443, syn: true, ack: false);
        var flow = FlowKey(Client6, Vip6, 50001, 443, 6);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
        Assert.Equal(41, output[14 + 9]);
        Assert.Equal(1ul, s.Lb.Stats()[StatsEventBase + EventEncapIp6Ip4].Packets);
    }

    [Fact]
    public void Udp_datagram_is_encapsulated_and_remembered_in_the_lru()
    {
        using var s = new Scenario(Engine, Vip4, 53, 17, 0, Reals4);
        var frame = Udp(Client4, Vip4, 33333, 53);
        var flow = FlowKey(Client4, Vip4, 33333, 53, 17);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
        Assert.Equal(s.Pick(flow), s.Lb.LruReal(flow));
        Assert.Equal(1ul, s.Lb.Stats()[StatsEventBase + EventLruMiss].Packets);
    }

    [Theory]
    [InlineData("10.0.0.10", "198.51.100.7", "192.168.1.1", EventEncapGue4)]
    [InlineData("2001:db8::10", "2001:db8:ffff::7", "fd00::1", EventEncapGue6)]
    [InlineData("10.0.0.10", "198.51.100.7", "fd00::1", EventEncapGue6)]
    [InlineData("2001:db8::10", "2001:db8:ffff::7", "192.168.1.1", EventEncapGue4)]
    public void Gue_vip_wraps_the_packet_in_udp_to_port_6080_with_a_hash_source_port(string vip, string client, string realBase, int encapEvent)
    {
        var baseReal = Ip(realBase);
        var reals = Enumerable.Range(0, 3).Select(i => Offset(baseReal, i)).ToArray();
        using var s = new Scenario(Engine, Ip(vip), 80, 6, VipGue, reals);
        var frame = Tcp(Ip(client), Ip(vip), 41000, 80, syn: true, ack: false);
        var flow = FlowKey(Ip(client), Ip(vip), 41000, 80, 6);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
        var udp = 14 + (IsV6(reals[0]) ? 40 : 20);
        Assert.Equal(6080, BinaryPrimitives.ReadUInt16BigEndian(output.AsSpan(udp + 2)));
        Assert.Equal(1ul, s.Lb.Stats()[StatsEventBase + encapEvent].Packets);
    }

    [Fact]
    public void Gue_destination_port_comes_from_lb_config()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, VipGue, Reals4, guePort: 7777);
        var frame = Tcp(Client4, Vip4, 41001, 80, syn: true, ack: false);
        var flow = FlowKey(Client4, Vip4, 41001, 80, 6);

        var (_, output) = s.Lb.Run(frame);

        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
        Assert.Equal(7777, BinaryPrimitives.ReadUInt16BigEndian(output.AsSpan(14 + 20 + 2)));
    }

    [Fact]
    public void Any_port_vip_matches_a_port_without_an_exact_entry()
    {
        using var s = new Scenario(Engine, Vip4, 0, 6, 0, Reals4);
        var frame = Tcp(Client4, Vip4, 40005, 8443, syn: true, ack: false);
        var flow = FlowKey(Client4, Vip4, 40005, 8443, 6);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
    }

    [Fact]
    public void Exact_port_vip_wins_over_the_any_port_vip_of_the_same_address()
    {
        using var s = new Scenario(Engine, Vip4, 0, 6, 0, Reals4);
        s.Lb.AddVip(Vip4, 80, 6, 0, 2);
        s.Lb.FillRing(2, [3]);
        var frame = Tcp(Client4, Vip4, 40006, 80, syn: true, ack: false);
        var flow = FlowKey(Client4, Vip4, 40006, 80, 6);

        var (_, output) = s.Lb.Run(frame);

        Assert.Equal(s.ExpectedTo(frame, 3, flow), output);
        var stats = s.Lb.Stats();
        Assert.Equal(1ul, stats[StatsVipBase + 2].Packets);
        Assert.False(stats.ContainsKey(StatsVipBase + 1));
    }

    [Fact]
    public void Traffic_to_an_address_that_is_no_vip_passes_unchanged()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var frame = Tcp(Client4, Ip("10.0.0.11"), 40007, 80, syn: true, ack: false);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpPass, action);
        Assert.Equal(frame, output);
        Assert.Equal(new Dictionary<int, (ulong, ulong)> { [StatsActionBase + (int)XdpPass] = (1, (ulong)frame.Length) }, s.Lb.Stats());
    }

    [Fact]
    public void Traffic_to_a_vip_address_on_another_port_passes()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var frame = Tcp(Client4, Vip4, 40008, 22, syn: true, ack: false);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpPass, action);
        Assert.Equal(frame, output);
    }

    [Fact]
    public void Non_ip_frame_passes_unchanged()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var arp = new byte[42];
        LbMac.GetAddressBytes().CopyTo(arp, 0);
        ClientMac.GetAddressBytes().CopyTo(arp, 6);
        arp[12] = 0x08;
        arp[13] = 0x06;

        var (action, output) = s.Lb.Run(arp);

        Assert.Equal(XdpPass, action);
        Assert.Equal(arp, output);
    }

    [Fact]
    public void Vlan_tagged_packet_is_encapsulated_with_its_tag_kept()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var frame = WithVlan(Tcp(Client4, Vip4, 40009, 80, syn: true, ack: false), 0x2064);
        var flow = FlowKey(Client4, Vip4, 40009, 80, 6);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
        Assert.Equal(0x8100, BinaryPrimitives.ReadUInt16BigEndian(output.AsSpan(12)));
        Assert.Equal(0x2064, BinaryPrimitives.ReadUInt16BigEndian(output.AsSpan(14)));
    }

    [Fact]
    public void Ring_slot_without_a_real_drops_the_packet_and_counts_it()
    {
        using var lb = new BalancerHarness(Engine);
        lb.AddVip(Vip4, 80, 6, 0, 5);
        var frame = Tcp(Client4, Vip4, 40010, 80, syn: true, ack: false);

        var (action, _) = lb.Run(frame);

        Assert.Equal(XdpDrop, action);
        var bytes = (ulong)frame.Length;
        Assert.Equal(
            new Dictionary<int, (ulong, ulong)>
            {
                [StatsVipBase + 5] = (1, bytes),
                [StatsDropBase + DropNoReal] = (1, bytes),
                [StatsActionBase + (int)XdpDrop] = (1, bytes),
            },
            lb.Stats());
    }

    [Fact]
    public void Vip_index_beyond_max_vips_is_dropped_as_bad_config()
    {
        using var lb = new BalancerHarness(Engine);
        lb.AddVip(Vip4, 80, 6, 0, MaxVips);
        var frame = Tcp(Client4, Vip4, 40011, 80, syn: true, ack: false);

        var (action, _) = lb.Run(frame);

        Assert.Equal(XdpDrop, action);
        Assert.Equal(1ul, lb.Stats()[StatsDropBase + DropVipIndex].Packets);
    }

    [Fact]
    public void Ipv4_header_with_options_is_balanced_and_forwarded_with_its_options()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var plain = Tcp(Client4, Vip4, 40012, 80, syn: true, ack: false);
        var frame = WithIpv4Options(plain, [1, 1, 1, 0]); // NOP NOP NOP EOL
        var flow = FlowKey(Client4, Vip4, 40012, 80, 6);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
    }

    [Fact]
    public void Ipv6_extension_headers_are_skipped_to_reach_the_ports()
    {
        using var s = new Scenario(Engine, Vip6, 443, 6, 0, Reals6);
        var plain = Tcp(Client6, Vip6, 50002, 443, syn: true, ack: false);
        var frame = WithIpv6Extensions(plain, [0, 60, 43]);
        var flow = FlowKey(Client6, Vip6, 50002, 443, 6);

        var (action, output) = s.Lb.Run(frame);

        Assert.Equal(XdpTx, action);
        Assert.Equal(s.ExpectedTo(frame, s.Pick(flow), flow), output);
    }

    [Fact]
    public void Flows_from_many_clients_reach_every_real_each_as_the_hash_predicts()
    {
        using var s = new Scenario(Engine, Vip4, 80, 6, 0, Reals4);
        var seen = new HashSet<uint>();
        for (ushort port = 1000; port < 1030; port++)
        {
            var frame = Tcp(Client4, Vip4, port, 80, syn: true, ack: false);
            var flow = FlowKey(Client4, Vip4, port, 80, 6);
            var (_, output) = s.Lb.Run(frame);
            var pick = s.Pick(flow);
            Assert.Equal(s.RealAddress(pick).GetAddressBytes(), output.AsSpan(14 + 16, 4).ToArray());
            seen.Add(pick);
        }

        Assert.Equal(3, seen.Count);
    }

    internal static IPAddress Offset(IPAddress address, int add)
    {
        var bytes = address.GetAddressBytes();
        bytes[^1] += (byte)add;
        return new IPAddress(bytes);
    }
}
