using System.Net;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control;
using static LoadBalancer.Balancer.Tests.Bpf.FrameEdits;
using static LoadBalancer.Balancer.Tests.Bpf.Frames;

namespace LoadBalancer.Balancer.Tests.Control;

/// <summary>
/// One balancer configuration applied through <see cref="BalancerControl"/> (every VIP flag, every encap
/// mode, echo entries, QUIC ids, a VIP without reals) and named packet sequences covering every feature.
/// </summary>
internal static class ControlPlaneFixtures
{
    public static readonly IPAddress C4 = Ip("198.51.100.7");
    public static readonly IPAddress C6 = Ip("2001:db8:ffff::7");
    public static readonly IPAddress[] R4 = [Ip("192.168.1.1"), Ip("192.168.1.2"), Ip("192.168.1.3")];
    public static readonly IPAddress[] R6 = [Ip("fd00::1"), Ip("fd00::2"), Ip("fd00::3")];

    public static readonly IPAddress Plain4 = Ip("10.0.0.10");
    public static readonly IPAddress Gue4To6 = Ip("10.0.0.11");
    public static readonly IPAddress Plain6 = Ip("2001:db8::10");
    public static readonly IPAddress V6ToV4 = Ip("2001:db8::11");
    public static readonly IPAddress Udp4 = Ip("10.0.0.12");
    public static readonly IPAddress SrcOnly = Ip("10.0.0.13");
    public static readonly IPAddress DportOnly = Ip("10.0.0.14");
    public static readonly IPAddress NoLru = Ip("10.0.0.15");
    public static readonly IPAddress Quic = Ip("10.0.0.16");
    public static readonly IPAddress Local = Ip("10.0.0.17");
    public static readonly IPAddress StickyOff = Ip("10.0.0.18");
    public static readonly IPAddress Gue6To4 = Ip("2001:db8::12");
    public static readonly IPAddress NoReals = Ip("10.0.0.19");
    public static readonly IPAddress Gue4 = Ip("10.0.0.20");
    public static readonly IPAddress Gue6 = Ip("2001:db8::13");
    public static readonly IPAddress SrcDport = Ip("10.0.0.21");

    public static void Configure(BalancerControl control)
    {
        RealWeight[] r4 = [new(R4[0]), new(R4[1]), new(R4[2], 2)];
        RealWeight[] r6 = [new(R6[0]), new(R6[1]), new(R6[2])];
        control.AddVip(VipId.ForTcp(Plain4, 80), VipFlags.None, r4);
        control.AddVip(VipId.ForTcp(Gue4To6, 443), VipFlags.Gue, r6);
        control.AddVip(VipId.ForTcp(Plain6, 443), VipFlags.None, r6);
        control.AddVip(VipId.ForTcp(V6ToV4, 80), VipFlags.None, r4);
        control.AddVip(VipId.ForUdp(Udp4, 53), VipFlags.None, r4);
        control.AddVip(VipId.ForTcp(SrcOnly, 0), VipFlags.HashSourceOnly, r4);
        control.AddVip(VipId.ForUdp(DportOnly, 0), VipFlags.HashDestinationPortOnly, r4);
        control.AddVip(VipId.ForTcp(NoLru, 80), VipFlags.NoLru, r4);
        control.AddVip(VipId.ForUdp(Quic, 443), VipFlags.Quic, r4);
        control.AddVip(VipId.ForTcp(Local, 80), VipFlags.Local, r4);
        control.AddVip(VipId.ForUdp(StickyOff, 53), VipFlags.UdpStickyOff, r4);
        control.AddVip(VipId.ForUdp(Gue6To4, 53), VipFlags.Gue, r4);
        control.AddVip(VipId.ForTcp(NoReals, 80));
        control.AddVip(VipId.ForTcp(Gue4, 80), VipFlags.Gue, r4);
        control.AddVip(VipId.ForTcp(Gue6, 80), VipFlags.Gue | VipFlags.NoLru, r6);
        control.AddVip(VipId.ForTcp(SrcDport, 0), VipFlags.HashSourceOnly | VipFlags.HashDestinationPortOnly, r4);
        control.AddVip(VipId.ForEcho(Plain4));
        control.AddVip(VipId.ForEcho(Plain6));
        control.SetQuicServerId(0x1234, R4[1]);
        control.SetGuePort(6081);
    }

    public static IEnumerable<string> Names => Catalog.Keys;

    public static byte[][] Frames(string name) => Catalog[name]();

    private static byte[] Syn(IPAddress c, IPAddress v, ushort sport, ushort dport) => Tcp(c, v, sport, dport, syn: true, ack: false);

    private static byte[] Ack(IPAddress c, IPAddress v, ushort sport, ushort dport) => Tcp(c, v, sport, dport, syn: false, ack: true, data: [1, 2, 3, 4]);

    private static readonly Dictionary<string, Func<byte[][]>> Catalog = new()
    {
        ["tcp4_syn_ipip"] = () => [Syn(C4, Plain4, 40000, 80)],
        ["tcp4_syn_then_established_lru_hit"] = () => [Syn(C4, Plain4, 40001, 80), Ack(C4, Plain4, 40001, 80), Ack(C4, Plain4, 40001, 80)],
        ["tcp4_established_without_lru_entry"] = () => [Ack(C4, Plain4, 40002, 80), Ack(C4, Plain4, 40002, 80)],
        ["tcp4_many_flows_spread"] = () => [.. Enumerable.Range(0, 24).Select(i => Syn(C4, Plain4, (ushort)(41000 + i), 80))],
        ["tcp4_syn_gue_to_ipv6_real"] = () => [Syn(C4, Gue4To6, 40003, 443)],
        ["tcp4_syn_gue_to_ipv4_real"] = () => [Syn(C4, Gue4, 40004, 80)],
        ["tcp6_syn_ip6ip6"] = () => [Syn(C6, Plain6, 40005, 443)],
        ["tcp6_established_ip6ip6"] = () => [Syn(C6, Plain6, 40006, 443), Ack(C6, Plain6, 40006, 443)],
        ["tcp6_syn_to_ipv4_real"] = () => [Syn(C6, V6ToV4, 40007, 80)],
        ["tcp6_syn_gue6_nolru"] = () => [Syn(C6, Gue6, 40008, 80), Ack(C6, Gue6, 40008, 80)],
        ["udp6_gue_to_ipv4_real"] = () => [Udp(C6, Gue6To4, 40009, 53)],
        ["udp4_ipip_then_lru_hit"] = () => [Udp(C4, Udp4, 40010, 53), Udp(C4, Udp4, 40010, 53)],
        ["udp4_to_vip_other_port_passes"] = () => [Udp(C4, Udp4, 40011, 54)],
        ["tcp4_any_port_vip_hash_source_only"] = () => [Syn(C4, SrcOnly, 40012, 22), Syn(C4, SrcOnly, 40013, 8080), Syn(Ip("198.51.100.8"), SrcOnly, 40013, 8080)],
        ["udp4_any_port_vip_hash_dport_only"] = () => [Udp(C4, DportOnly, 40014, 1000), Udp(Ip("198.51.100.9"), DportOnly, 40015, 1000), Udp(C4, DportOnly, 40014, 1001)],
        ["tcp4_hash_source_and_dport"] = () => [Syn(C4, SrcDport, 40016, 25), Syn(C4, SrcDport, 40017, 25)],
        ["tcp4_nolru_established_takes_ring"] = () => [Ack(C4, NoLru, 40018, 80), Ack(C4, NoLru, 40018, 80)],
        ["udp4_sticky_off_never_touches_lru"] = () => [Udp(C4, StickyOff, 40019, 53), Udp(C4, StickyOff, 40019, 53)],
        ["tcp4_local_vip_passes"] = () => [Syn(C4, Local, 40020, 80)],
        ["tcp4_vip_without_reals_drops"] = () => [Syn(C4, NoReals, 40021, 80)],
        ["quic_short_header_routed"] = () => [Udp(C4, Quic, 40022, 443, ShortHeader(0x1234))],
        ["quic_handshake_long_header_routed"] = () => [Udp(C4, Quic, 40023, 443, LongHeader(2, 0x1234))],
        ["quic_initial_long_header_fallback"] = () => [Udp(C4, Quic, 40024, 443, LongHeader(0, 0x1234))],
        ["quic_unknown_server_id_fallback"] = () => [Udp(C4, Quic, 40025, 443, ShortHeader(0x4321))],
        ["quic_too_short_fallback"] = () => [Udp(C4, Quic, 40026, 443, [0x40, 1])],
        ["icmp4_echo_answered"] = () => [EchoRequest(C4, Plain4)],
        ["icmp6_echo_answered"] = () => [EchoRequest(C6, Plain6)],
        ["icmp4_echo_to_vip_without_echo_entry_passes"] = () => [EchoRequest(C4, Udp4)],
        ["icmp4_frag_needed_follows_the_flow"] = () => [Syn(C4, Plain4, 40027, 80), PacketTooBig(Ip("203.0.113.1"), Plain4, 80, C4, 40027)],
        ["icmp6_packet_too_big_follows_the_flow"] = () => [Syn(C6, Plain6, 40028, 443), PacketTooBig(Ip("2001:db8:eeee::1"), Plain6, 443, C6, 40028)],
        ["icmp4_error_without_flow_takes_ring"] = () => [PacketTooBig(Ip("203.0.113.1"), Plain4, 80, C4, 40029)],
        ["icmp4_error_about_non_vip_passes"] = () => [PacketTooBig(Ip("203.0.113.1"), Ip("10.9.9.9"), 80, C4, 40030)],
        ["icmp6_neighbour_solicitation_passes"] = () => [Icmp(Ip("fe80::1"), Ip("ff02::1:ff00:35"), 135, 0, new byte[20])],
        ["icmp4_other_type_to_echo_vip_passes"] = () => [Icmp(C4, Plain4, 13, 0, new byte[16])],
        ["vlan_tagged_syn_keeps_tag"] = () => [WithVlan(Syn(C4, Plain4, 40031, 80), 0x2064)],
        ["vlan_tagged_ipv6_syn"] = () => [WithVlan(Syn(C6, Plain6, 40032, 443), 7)],
        ["ipv4_options_syn"] = () => [WithIpv4Options(Syn(C4, Plain4, 40033, 80), [1, 1, 1, 0])],
        ["ipv6_hop_by_hop_and_destination_options"] = () => [WithIpv6Extensions(Syn(C6, Plain6, 40034, 443), [0, 60])],
        ["ipv6_routing_header"] = () => [WithIpv6Extensions(Syn(C6, Plain6, 40035, 443), [43])],
        ["ipv6_six_extension_headers"] = () => [WithIpv6Extensions(Syn(C6, Plain6, 40036, 443), [0, 60, 60, 60, 60, 60])],
        ["ipv4_first_fragment_to_vip_dropped"] = () => [Ipv4Fragment(Syn(C4, Plain4, 40037, 80), 0, more: true)],
        ["ipv4_non_first_fragment_passed"] = () => [Ipv4Fragment(Syn(C4, Plain4, 40038, 80), 10, more: false)],
        ["ipv4_atomic_fragment_is_ordinary"] = () => [Ipv4Fragment(Syn(C4, Plain4, 40039, 80), 0, more: false)],
        ["ipv6_first_fragment_to_vip_dropped"] = () => [Ipv6Fragment(Syn(C6, Plain6, 40040, 443), 0, more: true)],
        ["ipv6_non_first_fragment_passed"] = () => [Ipv6Fragment(Syn(C6, Plain6, 40041, 443), 5, more: true)],
        ["ipv4_first_fragment_to_non_vip_passed"] = () => [Ipv4Fragment(Syn(C4, Ip("10.9.9.9"), 40042, 80), 0, more: true)],
        ["non_vip_ipv4_passes"] = () => [Syn(C4, Ip("10.9.9.9"), 40043, 80)],
        ["non_vip_ipv6_passes"] = () => [Syn(C6, Ip("2001:db8::99"), 40044, 80)],
        ["vip_address_other_protocol_passes"] = () => [Udp(C4, Plain4, 40045, 80)],
        ["arp_ethertype_passes"] = () => [Arp()],
        ["malformed_ethernet_header_only"] = () => [Syn(C4, Plain4, 1, 80)[..14]],
        ["malformed_vlan"] = () => [Malformed("vlan", C4, Plain4, C6, Plain6)],
        ["malformed_ipv4_header"] = () => [Malformed("ipv4-header", C4, Plain4, C6, Plain6)],
        ["malformed_ipv4_options"] = () => [Malformed("ipv4-options", C4, Plain4, C6, Plain6)],
        ["malformed_ipv4_ihl"] = () => [Malformed("ipv4-ihl", C4, Plain4, C6, Plain6)],
        ["malformed_ipv4_version"] = () => [Malformed("ipv4-version", C4, Plain4, C6, Plain6)],
        ["malformed_ipv4_total_length"] = () => [Malformed("ipv4-total-length", C4, Plain4, C6, Plain6)],
        ["malformed_ipv6_header"] = () => [Malformed("ipv6-header", C4, Plain4, C6, Plain6)],
        ["malformed_ipv6_version"] = () => [Malformed("ipv6-version", C4, Plain4, C6, Plain6)],
        ["malformed_ipv6_extension"] = () => [Malformed("ipv6-extension", C4, Plain4, C6, Plain6)],
        ["malformed_ipv6_fragment_header"] = () => [Malformed("ipv6-fragment-header", C4, Plain4, C6, Plain6)],
        ["malformed_ipv6_extension_limit"] = () => [Malformed("ipv6-extension-limit", C4, Plain4, C6, Plain6)],
        ["malformed_tcp4"] = () => [Malformed("tcp4", C4, Plain4, C6, Plain6)],
        ["malformed_tcp6"] = () => [Malformed("tcp6", C4, Plain4, C6, Plain6)],
        ["malformed_tcp_data_offset"] = () => [Malformed("tcp-data-offset", C4, Plain4, C6, Plain6)],
        ["malformed_udp4"] = () => [Malformed("udp4", C4, Plain4, C6, Plain6)],
        ["malformed_udp6"] = () => [Malformed("udp6", C4, Plain4, C6, Plain6)],
        ["malformed_icmp4"] = () => [Malformed("icmp4", C4, Plain4, C6, Plain6)],
        ["malformed_icmp6"] = () => [Malformed("icmp6", C4, Plain4, C6, Plain6)],
        ["malformed_icmp4_quoted_packet"] = () => [Malformed("icmp4-quoted-packet", C4, Plain4, C6, Plain6)],
        ["malformed_icmp6_quoted_packet"] = () => [Malformed("icmp6-quoted-packet", C4, Plain4, C6, Plain6)],
        ["ethernet_padding_is_carried_inside_the_tunnel"] = () => [[.. Syn(C4, Plain4, 40046, 80), 0, 0, 0, 0, 0, 0]],
        ["mixed_sequence_of_every_family"] = () => [Syn(C4, Plain4, 40047, 80), Syn(C6, Plain6, 40047, 443), Udp(C4, Udp4, 40047, 53), EchoRequest(C6, Plain6), Ack(C4, Plain4, 40047, 80)],
    };

    private static byte[] Arp()
    {
        var frame = new byte[42];
        ClientMac.GetAddressBytes().CopyTo(frame, 6);
        Array.Fill(frame, (byte)0xff, 0, 6);
        frame[12] = 0x08;
        frame[13] = 0x06;
        return frame;
    }
}
