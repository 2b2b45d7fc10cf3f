/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet parsing shared by the balancer: Ethernet (+ one 802.1Q / 802.1ad tag), IPv4 (options,
 * fragments), IPv6 (extension headers), TCP, UDP, ICMP, ICMPv6. Every read is bounded against
 * data_end right before it; the functions are always inlined into the program.
 */
#ifndef LB_PARSING_H
#define LB_PARSING_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmpv6.h>
#include <bpf/bpf_endian.h>
#include "balancer_maps.h"

#define LB_ETH_HLEN 14
#define LB_VLAN_HLEN 4
#define LB_IPV6_MAX_EXT 6   /* extension headers walked before giving up */

#define IPV4_MF 0x2000
#define IPV4_OFFSET_MASK 0x1fff

/* What the parser decided beyond the flow itself. */
#define PKT_KIND_FLOW       0 /* ordinary TCP/UDP/other packet */
#define PKT_KIND_ECHO       1 /* ICMP / ICMPv6 echo request */
#define PKT_KIND_ICMP_ERROR 2 /* ICMP error quoting a packet: flow is the reversed inner flow */
#define PKT_KIND_ICMP_OTHER 3 /* any other ICMP: passed */

#define FRAG_NONE  0
#define FRAG_FIRST 1
#define FRAG_LATER 2

/* Parser verdicts besides 0 (carry on) and a drop reason (1..STATS_DROP_COUNT-1). */
#define PARSE_PASS 255

/* linux/icmp.h drags in libc socket headers, so the few ICMPv4 names are spelled here. */
#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11

struct icmphdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be32 rest;
};

struct vlan_hdr_lb {
	__be16 tci;
	__be16 encap_proto;
};

struct pkt {
	struct flow_key flow;
	__u32 l3_off;     /* offset of the (outer) IP header: 14 or 18 */
	__u32 l4_off;     /* offset of the transport header */
	__u8 kind;        /* PKT_KIND_* */
	__u8 frag;        /* FRAG_* */
	__u8 tcp_flags;   /* byte 13 of the TCP header */
	__u8 tos;         /* IPv4 TOS / IPv6 traffic class of the packet as received */
};

/* Copies the 4 ports bytes (source then destination) of a TCP/UDP header at l4. */
static __always_inline int lb_parse_ports(void *data, void *end, __u32 l4, __u8 proto, struct pkt *p)
{
	if (proto == IPPROTO_TCP) {
		struct tcphdr *tcp = data + l4;
		if ((void *)(tcp + 1) > end)
			return DROP_TCP_TRUNCATED;
		if (tcp->doff < 5)
			return DROP_TCP_MALFORMED;
		p->flow.sport = tcp->source;
		p->flow.dport = tcp->dest;
		p->tcp_flags = ((__u8 *)tcp)[13];
	} else if (proto == IPPROTO_UDP) {
		struct udphdr *udp = data + l4;
		if ((void *)(udp + 1) > end)
			return DROP_UDP_TRUNCATED;
		p->flow.sport = udp->source;
		p->flow.dport = udp->dest;
	}
	return 0;
}

/* The packet an ICMPv4 error quotes (IPv4 header + the first 8 bytes of its payload), recorded
 * reversed: the quoted packet went from the VIP to the client, the flow is client to VIP. */
static __always_inline int lb_parse_icmp4_inner(void *data, void *end, __u32 off, struct pkt *p)
{
	struct iphdr *inner = data + off;
	if ((void *)(inner + 1) > end)
		return DROP_ICMP_TRUNCATED;
	if (inner->version != 4 || inner->ihl < 5)
		return DROP_ICMP_TRUNCATED;
	__u32 hlen = inner->ihl * 4;
	__u8 proto = inner->protocol;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return PARSE_PASS;
	__be16 *ports = data + off + hlen;
	if ((void *)(ports + 2) > end)
		return DROP_ICMP_TRUNCATED;
	__builtin_memcpy(p->flow.src, &inner->daddr, 4);
	__builtin_memcpy(p->flow.dst, &inner->saddr, 4);
	p->flow.sport = ports[1];
	p->flow.dport = ports[0];
	p->flow.proto = proto;
	p->kind = PKT_KIND_ICMP_ERROR;
	return 0;
}

static __always_inline int lb_parse_icmp6_inner(void *data, void *end, __u32 off, struct pkt *p)
{
	struct ipv6hdr *inner = data + off;
	if ((void *)(inner + 1) > end)
		return DROP_ICMP6_TRUNCATED;
	__u8 proto = inner->nexthdr;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return PARSE_PASS;
	__be16 *ports = data + off + sizeof(struct ipv6hdr);
	if ((void *)(ports + 2) > end)
		return DROP_ICMP6_TRUNCATED;
	__builtin_memcpy(p->flow.src, &inner->daddr, 16);
	__builtin_memcpy(p->flow.dst, &inner->saddr, 16);
	p->flow.sport = ports[1];
	p->flow.dport = ports[0];
	p->flow.proto = proto;
	p->kind = PKT_KIND_ICMP_ERROR;
	return 0;
}

/* IPv4 at p->l3_off: fills the flow (or the reversed inner flow of an ICMP error). */
static __always_inline int lb_parse_ipv4(void *data, void *end, struct pkt *p)
{
	__u32 l3 = p->l3_off;
	struct iphdr *ip = data + l3;
	if ((void *)(ip + 1) > end)
		return DROP_IPV4_TRUNCATED;
	if (ip->version != 4 || ip->ihl < 5)
		return DROP_IPV4_MALFORMED;
	__u32 hlen = ip->ihl * 4;
	if (data + l3 + hlen > end)
		return DROP_IPV4_TRUNCATED;
	if (bpf_ntohs(ip->tot_len) < hlen)
		return DROP_IPV4_MALFORMED;

	p->flow.family = LB_FAMILY_V4;
	p->flow.proto = ip->protocol;
	p->tos = ip->tos;
	__builtin_memcpy(p->flow.src, &ip->saddr, 4);
	__builtin_memcpy(p->flow.dst, &ip->daddr, 4);
	__u16 frag = bpf_ntohs(ip->frag_off);
	if (frag & IPV4_OFFSET_MASK)
		return p->frag = FRAG_LATER, 0;
	if (frag & IPV4_MF)
		p->frag = FRAG_FIRST;

	__u32 l4 = l3 + hlen;
	p->l4_off = l4;
	if (ip->protocol == IPPROTO_ICMP) {
		struct icmphdr *icmp = data + l4;
		if ((void *)(icmp + 1) > end)
			return DROP_ICMP_TRUNCATED;
		if (icmp->type == ICMP_ECHO) {
			p->kind = PKT_KIND_ECHO;
			return 0;
		}
		if (icmp->type == ICMP_DEST_UNREACH || icmp->type == ICMP_TIME_EXCEEDED)
			return lb_parse_icmp4_inner(data, end, l4 + sizeof(struct icmphdr), p);
		p->kind = PKT_KIND_ICMP_OTHER;
		return 0;
	}
	return lb_parse_ports(data, end, l4, ip->protocol, p);
}

/* IPv6 at p->l3_off, walking at most LB_IPV6_MAX_EXT extension headers. */
static __always_inline int lb_parse_ipv6(void *data, void *end, struct pkt *p)
{
	__u32 l3 = p->l3_off;
	struct ipv6hdr *ip6 = data + l3;
	if ((void *)(ip6 + 1) > end)
		return DROP_IPV6_TRUNCATED;
	if (ip6->version != 6)
		return DROP_IPV6_MALFORMED;

	p->flow.family = LB_FAMILY_V6;
	p->tos = (ip6->priority << 4) | (ip6->flow_lbl[0] >> 4);
	__builtin_memcpy(p->flow.src, &ip6->saddr, 16);
	__builtin_memcpy(p->flow.dst, &ip6->daddr, 16);

	__u8 next = ip6->nexthdr;
	__u32 off = l3 + sizeof(struct ipv6hdr);
	int i;
	for (i = 0; i < LB_IPV6_MAX_EXT; i++) {
		if (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS) {
			__u8 *ext = data + off;
			if ((void *)(ext + 2) > end)
				return DROP_IPV6_EXT_TRUNCATED;
			next = ext[0];
			off += ((__u32)ext[1] + 1) * 8;
		} else if (next == IPPROTO_FRAGMENT) {
			__u8 *ext = data + off;
			if ((void *)(ext + 8) > end)
				return DROP_IPV6_EXT_TRUNCATED;
			__u16 frag = ((__u16)ext[2] << 8) | ext[3];
			next = ext[0];
			off += 8;
			if (frag & 0xfff8)
				return p->flow.proto = next, p->frag = FRAG_LATER, 0;
			if (frag & 1)
				p->frag = FRAG_FIRST;
		} else {
			break;
		}
	}
	if (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS ||
	    next == IPPROTO_FRAGMENT)
		return DROP_IPV6_EXT_LIMIT;

	p->flow.proto = next;
	p->l4_off = off;
	if (next == IPPROTO_ICMPV6) {
		struct icmp6hdr *icmp = data + off;
		if ((void *)(icmp + 1) > end)
			return DROP_ICMP6_TRUNCATED;
		__u8 type = icmp->icmp6_type;
		if (type == ICMPV6_ECHO_REQUEST) {
			p->kind = PKT_KIND_ECHO;
			return 0;
		}
		if (type == ICMPV6_DEST_UNREACH || type == ICMPV6_PKT_TOOBIG || type == ICMPV6_TIME_EXCEED)
			return lb_parse_icmp6_inner(data, end, off + sizeof(struct icmp6hdr), p);
		p->kind = PKT_KIND_ICMP_OTHER;
		return 0;
	}
	return lb_parse_ports(data, end, off, next, p);
}

#endif
