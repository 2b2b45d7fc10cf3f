// SPDX-License-Identifier: GPL-2.0
/*
 * The load balancer's XDP program: VIP lookup, flow table, Maglev pick, encapsulation toward
 * the chosen real (XDP_TX). Maps, flags, the flow hash and counters are documented in README.md;
 * the layouts live in include/balancer_maps.h.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "include/balancer_maps.h"
#include "include/parsing.h"
#include "include/flow_hash.h"
#include "include/encap.h"
#include "include/csum.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, struct vip_key);
	__type(value, struct vip_meta);
} vip_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_FLOWS);
	__type(key, struct flow_key);
	__type(value, struct flow_value);
} lru_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_VIPS * RING_SIZE);
	__type(key, __u32);
	__type(value, __u32);
} ch_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_REALS);
	__type(key, __u32);
	__type(value, struct real_def);
} reals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_QUIC_SERVER_IDS);
	__type(key, __u32);
	__type(value, __u32);
} quic_server_ids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lb_config);
} lb_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STATS_ENTRIES);
	__type(key, __u32);
	__type(value, struct lb_stats);
} stats SEC(".maps");

static __always_inline void count(__u32 index, __u64 bytes)
{
	struct lb_stats *s = bpf_map_lookup_elem(&stats, &index);
	if (s) {
		s->packets += 1;
		s->bytes += bytes;
	}
}

static __always_inline int drop(__u32 reason, __u64 bytes)
{
	count(STATS_DROP_BASE + reason, bytes);
	return XDP_DROP;
}

/* Answers an ICMP / ICMPv6 echo request in place: MACs and addresses swapped, TTL / hop limit
 * 64, type changed to the reply, checksums updated incrementally. */
static __always_inline int echo_reply(struct xdp_md *ctx, struct pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	__u8 mac[ETH_ALEN];
	__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);

	__u32 l3 = p->l3_off & 0x1f;
	__u32 l4 = p->l4_off & 0x3fff;
	if (p->flow.family == LB_FAMILY_V4) {
		struct iphdr *ip = data + l3;
		if ((void *)(ip + 1) > end)
			return XDP_DROP;
		__be32 addr = ip->saddr;
		ip->saddr = ip->daddr;
		ip->daddr = addr;
		__u16 old_word = *((__u16 *)&ip->ttl);
		ip->ttl = LB_OUTER_TTL;
		ip->check = lb_csum_replace16(ip->check, old_word, *((__u16 *)&ip->ttl));

		struct icmphdr *icmp = data + l4;
		if ((void *)(icmp + 1) > end)
			return XDP_DROP;
		old_word = *(__u16 *)icmp;
		icmp->type = ICMP_ECHOREPLY;
		icmp->checksum = lb_csum_replace16(icmp->checksum, old_word, *(__u16 *)icmp);
	} else {
		struct ipv6hdr *ip6 = data + l3;
		if ((void *)(ip6 + 1) > end)
			return XDP_DROP;
		struct in6_addr addr = ip6->saddr;
		ip6->saddr = ip6->daddr;
		ip6->daddr = addr;
		ip6->hop_limit = LB_OUTER_TTL;

		struct icmp6hdr *icmp6 = data + l4;
		if ((void *)(icmp6 + 1) > end)
			return XDP_DROP;
		__u16 old_word = *(__u16 *)icmp6;
		icmp6->icmp6_type = ICMPV6_ECHO_REPLY;
		icmp6->icmp6_cksum = lb_csum_replace16(icmp6->icmp6_cksum, old_word, *(__u16 *)icmp6);
	}
	return XDP_TX;
}

/* The real of a QUIC packet from the server id in its destination connection id, or 0.
 * Long header: DCID length at byte 5, DCID from byte 6; only Handshake packets (type 2) are
 * routed (Initial and 0-RTT carry a client-chosen DCID). Short header: DCID from byte 1.
 * The server id is DCID bytes 1..2, big-endian (byte 0 is the QUIC-LB config/length octet). */
static __always_inline __u32 quic_real(void *data, void *end, __u32 l4)
{
	__u8 *payload = data + l4 + sizeof(struct udphdr);
	if ((void *)(payload + 1) > end)
		return 0;
	__u8 first = payload[0];
	__u32 sid_off;
	if (first & 0x80) {
		if ((void *)(payload + 9) > end)
			return 0;
		if (((first >> 4) & 3) != 2 || payload[5] < 3)
			return 0;
		sid_off = 7;
	} else {
		if ((void *)(payload + 4) > end)
			return 0;
		sid_off = 2;
	}
	__u32 sid = ((__u32)payload[sid_off] << 8) | payload[sid_off + 1];
	if (sid == 0)
		return 0;
	__u32 *real = bpf_map_lookup_elem(&quic_server_ids, &sid);
	if (!real || *real == 0 || *real >= MAX_REALS)
		return 0;
	return *real;
}

/* Grows the packet by the outer headers and writes them: Ethernet (gateway MAC, source = the
 * packet's original destination MAC, VLAN tag kept), IPv4/IPv6, optional GUE UDP header. */
static __always_inline int encapsulate(struct xdp_md *ctx, struct pkt *p, const struct real_def *real,
				       const struct lb_config *cfg, __u32 hash, int gue, __u64 bytes)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 l3 = p->l3_off;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	__u8 src_mac[ETH_ALEN];
	__builtin_memcpy(src_mac, eth->h_dest, ETH_ALEN);
	__be16 vlan_tpid = 0, vlan_tci = 0;
	int vlan = l3 != LB_ETH_HLEN;
	if (vlan) {
		struct vlan_hdr_lb *v = data + LB_ETH_HLEN;
		if ((void *)(v + 1) > end)
			return XDP_DROP;
		vlan_tpid = eth->h_proto;
		vlan_tci = v->tci;
	}
	__u32 inner_len = (__u32)(end - data) - l3;
	int real_v6 = real->flags & REAL_F_IPV6;
	int inner_v6 = p->flow.family == LB_FAMILY_V6;
	__u32 outer_len = (real_v6 ? LB_IPV6_HLEN : LB_IPV4_HLEN) + (gue ? LB_UDP_HLEN : 0);

	if (bpf_xdp_adjust_head(ctx, -(int)outer_len))
		return drop(DROP_ENCAP_FAILED, bytes);
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;

	/* Layer 2. */
	eth = data;
	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	__builtin_memcpy(eth->h_dest, cfg->gateway_mac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, src_mac, ETH_ALEN);
	__be16 outer_type = bpf_htons(real_v6 ? ETH_P_IPV6 : ETH_P_IP);
	__u32 off = LB_ETH_HLEN;
	if (vlan) {
		struct vlan_hdr_lb *v = data + LB_ETH_HLEN;
		if ((void *)(v + 1) > end)
			return XDP_DROP;
		eth->h_proto = vlan_tpid;
		v->tci = vlan_tci;
		v->encap_proto = outer_type;
		off += LB_VLAN_HLEN;
	} else {
		eth->h_proto = outer_type;
	}

	/* Layer 3 (+ GUE). */
	__u8 inner_proto = inner_v6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
	__u8 outer_proto = gue ? IPPROTO_UDP : inner_proto;
	__u32 udp_off;
	__u32 payload = inner_len + (gue ? LB_UDP_HLEN : 0);
	__u32 event;
	if (real_v6) {
		struct ipv6hdr *ip6 = data + off;
		if ((void *)(ip6 + 1) > end)
			return XDP_DROP;
		__u8 saddr[16];
		lb_outer_src_v6(cfg, hash, saddr);
		lb_write_ipv6(ip6, p->tos, payload, outer_proto, saddr, real->addr, hash);
		udp_off = off + LB_IPV6_HLEN;
		event = gue ? EVENT_ENCAP_GUE6 : inner_v6 ? EVENT_ENCAP_IP6IP6 : EVENT_ENCAP_IP4IP6;
	} else {
		struct iphdr *ip = data + off;
		if ((void *)(ip + 1) > end)
			return XDP_DROP;
		lb_write_ipv4(ip, p->tos, LB_IPV4_HLEN + payload, outer_proto, lb_outer_src_v4(cfg, hash), real->addr);
		udp_off = off + LB_IPV4_HLEN;
		event = gue ? EVENT_ENCAP_GUE4 : inner_v6 ? EVENT_ENCAP_IP6IP4 : EVENT_ENCAP_IPIP;
	}
	if (gue) {
		struct udphdr *udp = data + udp_off;
		if ((void *)(udp + 1) > end)
			return XDP_DROP;
		__be16 port = cfg->gue_port ? cfg->gue_port : bpf_htons(GUE_DEFAULT_PORT);
		lb_write_gue_udp(udp, lb_gue_sport(hash), port, payload);
	}
	count(STATS_EVENT_BASE + event, bytes);
	return XDP_TX;
}

static __always_inline int lookup_vip(struct pkt *p, __be16 port, __u8 proto, struct vip_meta *out)
{
	struct vip_key key = {};
	__builtin_memcpy(key.addr, p->flow.dst, 16);
	key.port = port;
	key.proto = proto;
	key.family = p->flow.family;
	struct vip_meta *meta = bpf_map_lookup_elem(&vip_map, &key);
	if (!meta && port != 0) {
		key.port = 0;
		meta = bpf_map_lookup_elem(&vip_map, &key);
	}
	if (!meta)
		return 0;
	*out = *meta;
	return 1;
}

static __always_inline int balance(struct xdp_md *ctx, __u64 bytes)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct pkt p = {};

	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return drop(DROP_ETH_TRUNCATED, bytes);
	__be16 type = eth->h_proto;
	p.l3_off = LB_ETH_HLEN;
	if (type == bpf_htons(ETH_P_8021Q) || type == bpf_htons(ETH_P_8021AD)) {
		struct vlan_hdr_lb *v = data + LB_ETH_HLEN;
		if ((void *)(v + 1) > end)
			return drop(DROP_VLAN_TRUNCATED, bytes);
		type = v->encap_proto;
		p.l3_off = LB_ETH_HLEN + LB_VLAN_HLEN;
	}

	int rc;
	if (type == bpf_htons(ETH_P_IP))
		rc = lb_parse_ipv4(data, end, &p);
	else if (type == bpf_htons(ETH_P_IPV6))
		rc = lb_parse_ipv6(data, end, &p);
	else
		return XDP_PASS;
	if (rc == PARSE_PASS)
		return XDP_PASS;
	if (rc)
		return drop(rc, bytes);
	if (p.frag == FRAG_LATER) {
		count(STATS_EVENT_BASE + EVENT_FRAGMENT_PASSED, bytes);
		return XDP_PASS;
	}
	if (p.kind == PKT_KIND_ICMP_OTHER)
		return XDP_PASS;

	struct vip_meta vip;
	if (p.kind == PKT_KIND_ECHO) {
		if (!lookup_vip(&p, 0, p.flow.proto, &vip))
			return XDP_PASS;
	} else if (!lookup_vip(&p, p.flow.dport, p.flow.proto, &vip)) {
		return XDP_PASS;
	}
	if (vip.vip_index >= MAX_VIPS)
		return drop(DROP_VIP_INDEX, bytes);
	if (p.frag == FRAG_FIRST)
		return drop(DROP_FRAGMENT, bytes);
	count(STATS_VIP_BASE + vip.vip_index, bytes);

	if (p.kind == PKT_KIND_ECHO) {
		count(STATS_EVENT_BASE + EVENT_ICMP_ECHO, bytes);
		return echo_reply(ctx, &p);
	}
	if (vip.flags & VIP_F_LOCAL) {
		count(STATS_EVENT_BASE + EVENT_LOCAL, bytes);
		return XDP_PASS;
	}

	__u32 hash = lb_flow_hash(&p.flow, vip.flags);
	__u32 real_index = 0;
	int is_udp = p.flow.proto == IPPROTO_UDP;
	int icmp_error = p.kind == PKT_KIND_ICMP_ERROR;
	if (icmp_error)
		count(STATS_EVENT_BASE + EVENT_ICMP_ERROR, bytes);

	if ((vip.flags & VIP_F_QUIC) && is_udp && !icmp_error) {
		real_index = quic_real(data, end, p.l4_off & 0x3fff);
		count(STATS_EVENT_BASE + (real_index ? EVENT_QUIC_ROUTED : EVENT_QUIC_FALLBACK), bytes);
	}

	int use_lru = !(vip.flags & VIP_F_NO_LRU) && !(is_udp && (vip.flags & VIP_F_UDP_STICKY_OFF));
	int syn = p.flow.proto == IPPROTO_TCP && (p.tcp_flags & 0x12) == 0x02 && !icmp_error;
	if (!real_index && use_lru && !syn) {
		struct flow_value *flow = bpf_map_lookup_elem(&lru_flows, &p.flow);
		if (flow && flow->real_index && flow->real_index < MAX_REALS) {
			real_index = flow->real_index;
			flow->last_seen_ns = bpf_ktime_get_ns();
			count(STATS_EVENT_BASE + EVENT_LRU_HIT, bytes);
		}
	}
	if (!real_index) {
		__u32 slot = vip.vip_index * RING_SIZE + hash % RING_SIZE;
		__u32 *ring = bpf_map_lookup_elem(&ch_rings, &slot);
		if (!ring || *ring == 0 || *ring >= MAX_REALS)
			return drop(DROP_NO_REAL, bytes);
		real_index = *ring;
		if (use_lru && !icmp_error) {
			struct flow_value value = { .real_index = real_index, .last_seen_ns = bpf_ktime_get_ns() };
			bpf_map_update_elem(&lru_flows, &p.flow, &value, BPF_ANY);
			count(STATS_EVENT_BASE + (syn ? EVENT_TCP_SYN : EVENT_LRU_MISS), bytes);
		}
	}

	struct real_def *real = bpf_map_lookup_elem(&reals, &real_index);
	if (!real)
		return drop(DROP_NO_REAL, bytes);
	__u32 zero = 0;
	struct lb_config *cfg = bpf_map_lookup_elem(&lb_config, &zero);
	if (!cfg)
		return XDP_ABORTED;
	count(STATS_REAL_BASE + real_index, bytes);
	return encapsulate(ctx, &p, real, cfg, hash, vip.flags & VIP_F_GUE, bytes);
}

SEC("xdp")
int xdp_balancer(struct xdp_md *ctx)
{
	__u64 bytes = ctx->data_end - ctx->data;
	int action = balance(ctx, bytes);
	count(STATS_ACTION_BASE + action, bytes);
	return action;
}
