// SPDX-License-Identifier: GPL-2.0
/*
 * Backend-side XDP program: strips the balancer's encapsulation (IPIP, IPv6-in-IPv4,
 * IPv6-in-IPv6, IPv4-in-IPv6, GUE variant 1 on the configured port) from packets addressed to
 * an address in decap_addrs, fixes the Ethernet type and passes the inner packet to the stack.
 * Anything else passes untouched. README.md documents the maps and counters.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "include/balancer_maps.h"

char LICENSE[] SEC("license") = "GPL";

#define ETH_HLEN_LB 14
#define VLAN_HLEN_LB 4

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_DECAP_ADDRS);
	__type(key, struct decap_key);
	__type(value, __u32);
} decap_addrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct decap_config);
} decap_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DSTAT_ENTRIES);
	__type(key, __u32);
	__type(value, struct lb_stats);
} decap_stats SEC(".maps");

static __always_inline int count_pass(__u32 index, __u64 bytes)
{
	struct lb_stats *s = bpf_map_lookup_elem(&decap_stats, &index);
	if (s) {
		s->packets += 1;
		s->bytes += bytes;
	}
	return XDP_PASS;
}

static __always_inline int owned(const void *addr, __u32 len, __u8 family)
{
	struct decap_key key = {};
	if (len == 4)
		__builtin_memcpy(key.addr, addr, 4);
	else
		__builtin_memcpy(key.addr, addr, 16);
	key.family = family;
	return bpf_map_lookup_elem(&decap_addrs, &key) != 0;
}

/* The inner IP version of a GUE payload at udp (UDP header included), or 0. Variant 1: the
 * first two bits are 01 and the payload is an IPv4 (0x4_) or IPv6 (0x6_) packet. */
static __always_inline __u8 gue_inner_version(__u8 first)
{
	if ((first >> 6) != 1)
		return 0;
	return first >> 4;
}

SEC("xdp")
int xdp_decap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u64 bytes = end - data;

	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return count_pass(DSTAT_PASSED, bytes);
	__be16 type = eth->h_proto;
	__u32 l3 = ETH_HLEN_LB;
	if (type == bpf_htons(ETH_P_8021Q) || type == bpf_htons(ETH_P_8021AD)) {
		__be16 *inner_type = data + ETH_HLEN_LB + 2;
		if ((void *)(inner_type + 1) > end)
			return count_pass(DSTAT_PASSED, bytes);
		type = *inner_type;
		l3 = ETH_HLEN_LB + VLAN_HLEN_LB;
	}

	__u32 zero = 0;
	struct decap_config *cfg = bpf_map_lookup_elem(&decap_config, &zero);
	__be16 gue_port = cfg && cfg->gue_port ? cfg->gue_port : bpf_htons(GUE_DEFAULT_PORT);

	__u32 outer_len;
	__u8 inner_version;
	__u32 stat;
	if (type == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = data + l3;
		if ((void *)(ip + 1) > end)
			return count_pass(DSTAT_PASSED, bytes);
		if (ip->version != 4 || ip->ihl < 5)
			return count_pass(DSTAT_PASSED, bytes);
		if (!owned(&ip->daddr, 4, LB_FAMILY_V4))
			return count_pass(DSTAT_PASSED, bytes);
		if (bpf_ntohs(ip->frag_off) & 0x3fff)
			return count_pass(DSTAT_PASSED, bytes);
		outer_len = ip->ihl * 4;
		if (ip->protocol == IPPROTO_IPIP) {
			inner_version = 4;
			stat = DSTAT_IPIP;
		} else if (ip->protocol == IPPROTO_IPV6) {
			inner_version = 6;
			stat = DSTAT_IP6IP4;
		} else if (ip->protocol == IPPROTO_UDP) {
			struct udphdr *udp = data + l3 + outer_len;
			if ((void *)(udp + 1) > end)
				return count_pass(DSTAT_MALFORMED, bytes);
			if (udp->dest != gue_port)
				return count_pass(DSTAT_PASSED, bytes);
			__u8 *first = (void *)(udp + 1);
			if ((void *)(first + 1) > end)
				return count_pass(DSTAT_MALFORMED, bytes);
			inner_version = gue_inner_version(*first);
			if (!inner_version)
				return count_pass(DSTAT_PASSED, bytes);
			outer_len += sizeof(struct udphdr);
			stat = DSTAT_GUE4;
		} else {
			return count_pass(DSTAT_PASSED, bytes);
		}
	} else if (type == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data + l3;
		if ((void *)(ip6 + 1) > end)
			return count_pass(DSTAT_PASSED, bytes);
		if (ip6->version != 6)
			return count_pass(DSTAT_PASSED, bytes);
		if (!owned(&ip6->daddr, 16, LB_FAMILY_V6))
			return count_pass(DSTAT_PASSED, bytes);
		outer_len = sizeof(struct ipv6hdr);
		if (ip6->nexthdr == IPPROTO_IPV6) {
			inner_version = 6;
			stat = DSTAT_IP6IP6;
		} else if (ip6->nexthdr == IPPROTO_IPIP) {
			inner_version = 4;
			stat = DSTAT_IP4IP6;
		} else if (ip6->nexthdr == IPPROTO_UDP) {
			struct udphdr *udp = data + l3 + sizeof(struct ipv6hdr);
			if ((void *)(udp + 1) > end)
				return count_pass(DSTAT_MALFORMED, bytes);
			if (udp->dest != gue_port)
				return count_pass(DSTAT_PASSED, bytes);
			__u8 *first = (void *)(udp + 1);
			if ((void *)(first + 1) > end)
				return count_pass(DSTAT_MALFORMED, bytes);
			inner_version = gue_inner_version(*first);
			if (!inner_version)
				return count_pass(DSTAT_PASSED, bytes);
			outer_len += sizeof(struct udphdr);
			stat = DSTAT_GUE6;
		} else {
			return count_pass(DSTAT_PASSED, bytes);
		}
	} else {
		return count_pass(DSTAT_PASSED, bytes);
	}

	/* The inner header must be there and of the announced version. */
	__u8 *inner = data + l3 + (outer_len & 0x7ff);
	if ((void *)(inner + (inner_version == 4 ? 20 : 40)) > end)
		return count_pass(DSTAT_MALFORMED, bytes);
	if ((inner[0] >> 4) != inner_version)
		return count_pass(DSTAT_MALFORMED, bytes);

	/* Keep the MACs and the VLAN tag; move them in front of the inner packet. */
	__u8 macs[12];
	__builtin_memcpy(macs, data, 12);
	__be16 tpid = eth->h_proto;
	__be16 tci = 0;
	if (l3 != ETH_HLEN_LB) {
		__be16 *t = data + ETH_HLEN_LB;
		if ((void *)(t + 1) > end)
			return count_pass(DSTAT_MALFORMED, bytes);
		tci = *t;
	}
	if (bpf_xdp_adjust_head(ctx, (int)(outer_len & 0x7ff)))
		return count_pass(DSTAT_MALFORMED, bytes);
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	__be16 inner_type = bpf_htons(inner_version == 4 ? ETH_P_IP : ETH_P_IPV6);
	if (l3 != ETH_HLEN_LB) {
		__u8 *l2 = data;
		if ((void *)(l2 + ETH_HLEN_LB + VLAN_HLEN_LB) > end)
			return XDP_DROP;
		__builtin_memcpy(l2, macs, 12);
		*(__be16 *)(l2 + 12) = tpid;
		*(__be16 *)(l2 + 14) = tci;
		*(__be16 *)(l2 + 16) = inner_type;
	} else {
		__u8 *l2 = data;
		if ((void *)(l2 + ETH_HLEN_LB) > end)
			return XDP_DROP;
		__builtin_memcpy(l2, macs, 12);
		*(__be16 *)(l2 + 12) = inner_type;
	}
	return count_pass(stat, bytes);
}
